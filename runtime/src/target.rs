//! How the run-time API names one migration: a typed id from `#[derive(Migrations)]`, a folder name, or a
//! [`Migration`].

use crate::{Error, Migration, MigrationId, Migrations};

/// A migration named by [`Migrator::deploy_to`](crate::Migrator::deploy_to), `resolve_applied`,
/// `resolve_rolled_back`, `rollback` and [`StatusReport::is_applied`](crate::StatusReport::is_applied): a
/// [`MigrationId`] (`Db::ADD_2FA`), a folder name (`&str`, `String`) or a [`Migration`], or a reference to one.
///
/// A [`MigrationId`] carries its migration's checksum as well as its name, so one from another
/// `#[derive(Migrations)]` is checked at run time: it is accepted by any list that holds a migration of that name
/// with that content (the same migration, as `_prisma_migrations` identifies it: two versions of one folder share
/// their older migrations), and refused with [`Error::ForeignMigrationId`] when the list's migration of that name
/// has other content. A compile-time check (a migrator typed by its source) would also refuse the first case,
/// which is how an old and a new version of one folder name their shared migrations.
///
/// ```
/// use prisma_migrations::Target;
/// let name = String::from("20250114161500_add_2fa");
/// assert_eq!(name.target_name(), "20250114161500_add_2fa");
/// assert_eq!("20250114161500_add_2fa".target_name(), (&name).target_name());
/// ```
pub trait Target {
    /// The folder name: what `_prisma_migrations.migration_name` holds.
    fn target_name(&self) -> &str;

    /// The checksum the caller expects the migration to have, when the target carries one (an id or a
    /// [`Migration`]; a bare name does not).
    fn expected_checksum(&self) -> Option<&str> {
        None
    }
}

impl Target for str {
    fn target_name(&self) -> &str {
        self
    }
}

impl Target for String {
    fn target_name(&self) -> &str {
        self
    }
}

impl Target for MigrationId {
    fn target_name(&self) -> &str {
        self.name()
    }

    fn expected_checksum(&self) -> Option<&str> {
        Some(self.checksum())
    }
}

impl Target for Migration {
    fn target_name(&self) -> &str {
        self.name()
    }

    fn expected_checksum(&self) -> Option<&str> {
        Some(self.checksum())
    }
}

impl<T: Target + ?Sized> Target for &T {
    fn target_name(&self) -> &str {
        (**self).target_name()
    }

    fn expected_checksum(&self) -> Option<&str> {
        (**self).expected_checksum()
    }
}

/// The migration of `migrations` a target names: P3017 when there is none of that name, and
/// [`Error::ForeignMigrationId`] when the target carries a checksum the list's migration does not have.
pub(crate) fn find<'m>(migrations: &'m Migrations, target: &(impl Target + ?Sized)) -> Result<&'m Migration, Error> {
    let name = target.target_name();
    let m = migrations.get(name).ok_or_else(|| Error::MigrationNotFound { name: name.to_owned() })?;
    check_same(m, target)?;
    Ok(m)
}

/// [`Error::ForeignMigrationId`] when the target carries a checksum other than `m`'s.
pub(crate) fn check_same(m: &Migration, target: &(impl Target + ?Sized)) -> Result<(), Error> {
    match target.expected_checksum() {
        Some(expected) if expected != m.checksum() => Err(Error::ForeignMigrationId {
            name: m.name().to_owned(),
            expected: expected.to_owned(),
            found: m.checksum().to_owned(),
        }),
        _ => Ok(()),
    }
}
