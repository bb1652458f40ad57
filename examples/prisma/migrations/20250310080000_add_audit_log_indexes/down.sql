DROP INDEX "AuditLog_actorId_idx";
DROP INDEX "AuditLog_organizationId_createdAt_idx";
