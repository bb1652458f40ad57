DROP TABLE "RecoveryCode";
ALTER TABLE "User" DROP COLUMN "totpSecret";
