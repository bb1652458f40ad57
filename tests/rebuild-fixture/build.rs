fn main() {
    prisma_migrations_build::track("prisma/migrations");
}
