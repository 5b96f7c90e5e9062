//! Serialization of Rust values into CQL values, rows of bind values and batches,
//! written straight into the request buffer and type-checked against the
//! [`ColumnType`](crate::frame::response::result::ColumnType) the server announced.

pub mod batch;
pub mod raw_batch;
pub mod row;
pub mod value;
pub mod writers;

pub use writers::{CellValueBuilder, CellWriter, RowWriter};

/// Defines a type-erased error newtype over `Arc<dyn Error + Send + Sync>`: the struct
/// (with the given docs), `new`, `downcast_ref`, `try_downcast_mut`, the crate-private
/// `map_inner`, a `Display` that
/// prefixes the inner error with the type's name, and `Error::source` returning the
/// inner error. Shared by [`SerializationError`] and the deserialization errors.
macro_rules! type_erased_error {
    ($(#[$attr:meta])* $name:ident) => {
        $(#[$attr])*
        #[derive(Debug, Clone)]
        pub struct $name(std::sync::Arc<dyn std::error::Error + Send + Sync>);

        impl $name {
            /// Wraps any error.
            #[inline]
            pub fn new(err: impl std::error::Error + Send + Sync + 'static) -> Self {
                Self(std::sync::Arc::new(err))
            }

            /// The inner error, if it is a `T`.
            pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
                self.0.downcast_ref::<T>()
            }

            /// Mutable access to the inner error, if it is a `T` and not shared.
            pub fn try_downcast_mut<T: std::error::Error + 'static>(&mut self) -> Option<&mut T> {
                std::sync::Arc::get_mut(&mut self.0).and_then(|e| e.downcast_mut::<T>())
            }

            /// If the inner error is a `T`, applies `f` to it: in place when this is its
            /// only handle, else to a copy that replaces it. Other errors are kept as
            /// they are.
            pub(crate) fn map_inner<T>(mut self, f: impl FnOnce(&mut T)) -> Self
            where
                T: std::error::Error + Clone + Send + Sync + 'static,
            {
                if let Some(e) = self.try_downcast_mut::<T>() {
                    f(e);
                    return self;
                }
                if let Some(e) = self.downcast_ref::<T>() {
                    let mut e = e.clone();
                    f(&mut e);
                    return Self::new(e);
                }
                self
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!(stringify!($name), ": {}"), self.0)
            }
        }

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(self.0.as_ref())
            }
        }
    };
}
pub(crate) use type_erased_error;

/// Defines the two constructors of a built-in error struct `$err` (fields `rust_name`,
/// optionally a CQL type field `$typ_field`, and `kind`): `$mk::<T>(...)` for the Rust
/// type `T` and `$named(rust_name, ...)` for a type given by name, both returning the
/// error wrapped in `$wrapper`. The docs and visibility of each come with the
/// invocation.
macro_rules! builtin_error_constructors {
    (
        $err:ident in $wrapper:ident, kind $kind:ident $(, $typ_field:ident: ColumnType)?;
        $(#[$mk_attr:meta])* pub fn $mk:ident<T $(: ?$sized:ident)?>;
        $(#[$named_attr:meta])* $vis:vis fn $named:ident;
    ) => {
        $(#[$mk_attr])*
        pub fn $mk<T $(: ?$sized)?>(
            $($typ_field: &ColumnType<'_>,)?
            kind: impl Into<$kind>,
        ) -> $wrapper {
            $named(std::any::type_name::<T>(), $($typ_field,)? kind)
        }

        $(#[$named_attr])*
        $vis fn $named(
            rust_name: &'static str,
            $($typ_field: &ColumnType<'_>,)?
            kind: impl Into<$kind>,
        ) -> $wrapper {
            $wrapper::new($err {
                rust_name,
                $($typ_field: $typ_field.clone().into_owned(),)?
                kind: kind.into(),
            })
        }
    };
}
pub(crate) use builtin_error_constructors;

/// Implements `From<$inner> for $outer` as the variant `$outer::$variant(inner)`, for
/// each listed pair: how the kinds of the specialized errors (lists, maps, tuples...)
/// become kinds of the built-in error.
macro_rules! error_kind_from {
    ($outer:ident { $($variant:ident($inner:ident)),+ $(,)? }) => {
        $(
            impl From<$inner> for $outer {
                fn from(k: $inner) -> Self {
                    Self::$variant(k)
                }
            }
        )+
    };
}
pub(crate) use error_kind_from;

type_erased_error! {
    /// A serialization failure. Type-erased, so that user impls may return their own
    /// errors; the built-in ones are [`value::BuiltinSerializationError`],
    /// [`value::BuiltinTypeCheckError`] and their row-level counterparts.
    SerializationError
}
