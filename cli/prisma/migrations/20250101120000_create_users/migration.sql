-- The folder the crate's doc examples embed with `migrations!("prisma/migrations")`.
CREATE TABLE "User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL);
