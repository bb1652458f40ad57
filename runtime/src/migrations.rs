//! The embedded (or loaded) list of migrations.

use std::borrow::Cow;
use std::path::Path;

use prisma_migrations_build::Provider;

/// One migration: a folder of the migrations directory with its script and Prisma checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    name: Cow<'static, str>,
    timestamp: Cow<'static, str>,
    slug: Cow<'static, str>,
    sql: Cow<'static, str>,
    down_sql: Option<Cow<'static, str>>,
    checksum: Cow<'static, str>,
}

impl Migration {
    /// Used by the generated code; not public API.
    #[doc(hidden)]
    pub const fn __new(
        name: &'static str,
        timestamp: &'static str,
        slug: &'static str,
        sql: &'static str,
        down_sql: Option<&'static str>,
        checksum: &'static str,
    ) -> Self {
        Self {
            name: Cow::Borrowed(name),
            timestamp: Cow::Borrowed(timestamp),
            slug: Cow::Borrowed(slug),
            sql: Cow::Borrowed(sql),
            down_sql: match down_sql {
                Some(s) => Some(Cow::Borrowed(s)),
                None => None,
            },
            checksum: Cow::Borrowed(checksum),
        }
    }

    fn from_scanned(m: prisma_migrations_build::ScannedMigration) -> Self {
        let (prefix, slug) = (m.prefix().to_owned(), m.slug().to_owned());
        Self {
            name: Cow::Owned(m.name),
            timestamp: Cow::Owned(prefix),
            slug: Cow::Owned(slug),
            sql: Cow::Owned(m.sql),
            down_sql: m.down_sql.map(Cow::Owned),
            checksum: Cow::Owned(m.checksum),
        }
    }

    /// The folder name, verbatim: what Prisma stores in `migration_name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The digits before the first `_`: `YYYYMMDDHHMMSS` for Prisma's folders (the number for numbered ones).
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }

    /// The part after the timestamp: `add_users` in `20250101120000_add_users`.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    /// The contents of `migration.sql`.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The contents of `down.sql`, when the folder has one (used by `rollback`).
    pub fn down_sql(&self) -> Option<&str> {
        self.down_sql.as_deref()
    }

    /// Prisma's checksum of `migration.sql`: SHA-256, 64 lowercase hex digits.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }
}

/// An ordered list of migrations, embedded by [`migrations!`](crate::migrations) or read from a folder at run
/// time. Usable in a `static`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migrations {
    items: Cow<'static, [Migration]>,
    provider: Option<Provider>,
}

impl Migrations {
    /// Used by the generated code; not public API.
    #[doc(hidden)]
    pub const fn __new(items: &'static [Migration], provider: Option<Provider>) -> Self {
        Self { items: Cow::Borrowed(items), provider }
    }

    /// Reads and checks a migrations folder at run time, with the same code and rules as the macro, in
    /// Prisma's order. Every history Prisma deploys loads: the authoring rules (names, shared timestamps) and
    /// symlinked folders (left out, as Prisma leaves them out) are logged as `tracing` warnings, not errors;
    /// [`Migrations::load_with_warnings`] returns them.
    ///
    /// # Errors
    /// [`Error::Folder`](crate::Error::Folder) with every problem that makes the folder unusable: missing,
    /// unreadable or non-UTF-8 scripts, a provider mismatch, edited or deleted locked migrations.
    pub fn load(dir: impl AsRef<Path>, options: &prisma_migrations_build::Options) -> Result<Self, crate::Error> {
        let (migrations, warnings) = Self::load_with_warnings(dir.as_ref(), options)?;
        for w in &warnings {
            tracing::warn!(folder = %dir.as_ref().display(), "{w}");
        }
        Ok(migrations)
    }

    /// [`Migrations::load`], returning the warnings instead of logging them.
    ///
    /// # Errors
    /// As [`Migrations::load`].
    pub fn load_with_warnings(
        dir: impl AsRef<Path>,
        options: &prisma_migrations_build::Options,
    ) -> Result<(Self, Vec<prisma_migrations_build::Problem>), crate::Error> {
        let loaded = prisma_migrations_build::load_for_run(dir.as_ref(), options)
            .map_err(|problems| crate::Error::Folder { dir: dir.as_ref().to_owned(), problems })?;
        Ok((Self::from_folder(loaded.folder, options.provider.as_deref().and_then(Provider::parse)), loaded.warnings))
    }

    /// Builds the list from a folder that build-support has read and checked.
    pub fn from_folder(folder: prisma_migrations_build::Folder, provider: Option<Provider>) -> Self {
        let locked = folder
            .lock_toml
            .as_deref()
            .and_then(prisma_migrations_build::read_lock_toml_provider)
            .and_then(Provider::parse);
        let provider = provider.or(locked);
        Self { items: Cow::Owned(folder.migrations.into_iter().map(Migration::from_scanned).collect()), provider }
    }

    /// The migrations in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.items.iter()
    }

    /// How many migrations there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The migration with this folder name.
    pub fn get(&self, name: &str) -> Option<&Migration> {
        self.items.iter().find(|m| m.name() == name)
    }

    /// The provider, from the macro's `provider = "…"` option or `migration_lock.toml` (`postgresql`,
    /// `mysql`, `sqlite`, `cockroachdb`, `sqlserver`).
    pub fn provider(&self) -> Option<Provider> {
        self.provider
    }

    /// The migrations as a slice.
    pub fn as_slice(&self) -> &[Migration] {
        &self.items
    }
}

impl<'a> IntoIterator for &'a Migrations {
    type Item = &'a Migration;
    type IntoIter = std::slice::Iter<'a, Migration>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Names one migration of a [`MigrationSource`]: generated as an associated const per migration by
/// `#[derive(Migrations)]` (`Db::ADD_2FA`). Every API that names a migration takes one (see
/// [`Target`](crate::Target)); it carries the migration's checksum, so an id used with another list of
/// migrations is checked against that list's migration of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MigrationId {
    index: usize,
    name: &'static str,
    checksum: &'static str,
}

impl MigrationId {
    /// Used by the generated code; not public API.
    #[doc(hidden)]
    pub const fn __new(index: usize, name: &'static str, checksum: &'static str) -> Self {
        Self { index, name, checksum }
    }

    /// Prisma's checksum of the migration's `migration.sql` when the id was generated.
    pub const fn checksum(self) -> &'static str {
        self.checksum
    }

    /// The folder name.
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// Position in folder order, from 0.
    pub const fn index(self) -> usize {
        self.index
    }
}

impl std::fmt::Display for MigrationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// A type that owns a list of embedded migrations; implemented by `#[derive(Migrations)]`.
pub trait MigrationSource {
    /// The embedded migrations.
    fn migrations() -> &'static Migrations;

    /// The migration an id names.
    fn migration(id: MigrationId) -> &'static Migration {
        &Self::migrations().as_slice()[id.index()]
    }
}
