//! The identity a driver session presents to the cluster in STARTUP.

use std::borrow::Cow;
use std::collections::HashMap;

/// What the driver tells the nodes about itself and the application in STARTUP
/// (ScyllaDB shows it in `system.clients`). Every field is optional; the driver
/// name and version default to this driver's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelfIdentity<'id> {
    custom_driver_name: Option<Cow<'id, str>>,
    custom_driver_version: Option<Cow<'id, str>>,
    application_name: Option<Cow<'id, str>>,
    application_version: Option<Cow<'id, str>>,
    client_id: Option<Cow<'id, str>>,
}

/// The STARTUP option keys.
pub(crate) const DRIVER_NAME_KEY: &str = "DRIVER_NAME";
pub(crate) const DRIVER_VERSION_KEY: &str = "DRIVER_VERSION";
pub(crate) const APPLICATION_NAME_KEY: &str = "APPLICATION_NAME";
pub(crate) const APPLICATION_VERSION_KEY: &str = "APPLICATION_VERSION";
pub(crate) const CLIENT_ID_KEY: &str = "CLIENT_ID";

/// This driver's name and version, sent unless overridden.
pub(crate) const DEFAULT_DRIVER_NAME: &str = "ScyllaDB Rust Driver";
pub(crate) const DEFAULT_DRIVER_VERSION: &str = env!("CARGO_PKG_VERSION");

macro_rules! identity_field {
    ($field:ident, $set:ident, $with:ident, $get:ident, $what:literal) => {
        #[doc = concat!("Sets the ", $what, ".")]
        pub fn $set(&mut self, $field: impl Into<Cow<'id, str>>) {
            self.$field = Some($field.into());
        }

        #[doc = concat!("Sets the ", $what, " (builder style).")]
        pub fn $with(mut self, $field: impl Into<Cow<'id, str>>) -> Self {
            self.$set($field);
            self
        }

        #[doc = concat!("The ", $what, ", if set.")]
        pub fn $get(&self) -> Option<&str> {
            self.$field.as_deref()
        }
    };
}

impl<'id> SelfIdentity<'id> {
    /// An identity with nothing set: the driver's own name and version are sent.
    pub fn new() -> Self {
        Self::default()
    }

    identity_field!(
        custom_driver_name,
        set_custom_driver_name,
        with_custom_driver_name,
        get_custom_driver_name,
        "driver name sent instead of this driver's (for drivers built on this one)"
    );
    identity_field!(
        custom_driver_version,
        set_custom_driver_version,
        with_custom_driver_version,
        get_custom_driver_version,
        "driver version sent instead of this driver's"
    );
    identity_field!(
        application_name,
        set_application_name,
        with_application_name,
        get_application_name,
        "application name"
    );
    identity_field!(
        application_version,
        set_application_version,
        with_application_version,
        get_application_version,
        "application version"
    );
    identity_field!(
        client_id,
        set_client_id,
        with_client_id,
        get_client_id,
        "client id (identifies this application instance)"
    );

    /// Adds the STARTUP options for this identity to `options`: the driver name and
    /// version always (this driver's unless overridden), the others when set.
    pub(crate) fn add_startup_options<'a>(
        &'a self,
        options: &mut HashMap<Cow<'a, str>, Cow<'a, str>>,
    ) {
        let driver_name = self.get_custom_driver_name().unwrap_or(DEFAULT_DRIVER_NAME);
        let driver_version = self
            .get_custom_driver_version()
            .unwrap_or(DEFAULT_DRIVER_VERSION);
        options.insert(Cow::Borrowed(DRIVER_NAME_KEY), Cow::Borrowed(driver_name));
        options.insert(
            Cow::Borrowed(DRIVER_VERSION_KEY),
            Cow::Borrowed(driver_version),
        );
        for (key, value) in [
            (APPLICATION_NAME_KEY, self.get_application_name()),
            (APPLICATION_VERSION_KEY, self.get_application_version()),
            (CLIENT_ID_KEY, self.get_client_id()),
        ] {
            if let Some(v) = value {
                options.insert(Cow::Borrowed(key), Cow::Borrowed(v));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_getters_and_startup_options() {
        let id = SelfIdentity::new();
        assert_eq!(id.get_application_name(), None);
        let mut opts = HashMap::new();
        id.add_startup_options(&mut opts);
        assert_eq!(opts.len(), 2);
        assert_eq!(opts[DRIVER_NAME_KEY], DEFAULT_DRIVER_NAME);
        assert_eq!(opts[DRIVER_VERSION_KEY], env!("CARGO_PKG_VERSION"));

        let owned = String::from("1.2.3");
        let mut id = SelfIdentity::new()
            .with_application_name("app")
            .with_application_version(owned.as_str())
            .with_client_id(String::from("instance-7"))
            .with_custom_driver_name("wrapper");
        id.set_custom_driver_version("0.1");
        assert_eq!(id.get_application_name(), Some("app"));
        assert_eq!(id.get_application_version(), Some("1.2.3"));
        assert_eq!(id.get_client_id(), Some("instance-7"));
        assert_eq!(id.get_custom_driver_name(), Some("wrapper"));
        assert_eq!(id.get_custom_driver_version(), Some("0.1"));
        let mut opts = HashMap::new();
        id.add_startup_options(&mut opts);
        assert_eq!(opts.len(), 5);
        assert_eq!(opts[DRIVER_NAME_KEY], "wrapper");
        assert_eq!(opts[DRIVER_VERSION_KEY], "0.1");
        assert_eq!(opts[APPLICATION_NAME_KEY], "app");
        assert_eq!(opts[APPLICATION_VERSION_KEY], "1.2.3");
        assert_eq!(opts[CLIENT_ID_KEY], "instance-7");
    }
}
