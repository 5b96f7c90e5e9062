//! Parsing and validation of the input struct and its `#[scylla(...)]` attributes.
//!
//! Everything a derive needs is collected into a [`StructDef`]; misuse is reported as a
//! [`syn::Error`] spanned at the offending attribute (several errors are combined so
//! that the user sees all of them at once).

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, LitStr, Path, Type};

/// Which of the four derives is being expanded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DeriveKind {
    SerializeValue,
    SerializeRow,
    DeserializeValue,
    DeserializeRow,
}

impl DeriveKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            DeriveKind::SerializeValue => "SerializeValue",
            DeriveKind::SerializeRow => "SerializeRow",
            DeriveKind::DeserializeValue => "DeserializeValue",
            DeriveKind::DeserializeRow => "DeserializeRow",
        }
    }

    /// Whether the derive maps the struct to a UDT (as opposed to a row).
    fn is_value(self) -> bool {
        matches!(
            self,
            DeriveKind::SerializeValue | DeriveKind::DeserializeValue
        )
    }
}

/// How struct fields are matched with columns / UDT fields.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flavor {
    /// By name, in any order (the default).
    MatchByName,
    /// By position; names are checked unless `skip_name_checks` is given.
    EnforceOrder,
}

/// One named field of the struct.
pub(crate) struct FieldDef {
    /// The Rust identifier.
    pub(crate) ident: Ident,
    /// The field's type.
    pub(crate) ty: Type,
    /// The CQL name: the `rename` value, or the identifier (without a raw `r#`).
    pub(crate) cql_name: String,
    /// `#[scylla(skip)]`.
    pub(crate) skip: bool,
    /// `#[scylla(allow_missing)]` (value derives only).
    pub(crate) allow_missing: bool,
    /// `#[scylla(default_when_null)]`.
    pub(crate) default_when_null: bool,
    /// `#[scylla(flatten)]` (SerializeRow only).
    pub(crate) flatten: bool,
}

/// The parsed and validated input of a derive.
pub(crate) struct StructDef {
    pub(crate) ident: Ident,
    pub(crate) generics: Generics,
    /// The path generated code uses to reach `_macro_internal`.
    pub(crate) internal: proc_macro2::TokenStream,
    pub(crate) flavor: Flavor,
    pub(crate) skip_name_checks: bool,
    pub(crate) forbid_excess_udt_fields: bool,
    pub(crate) fields: Vec<FieldDef>,
}

/// Collects errors so that all problems are reported together.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Struct-level attributes as written, with the span of each for error messages.
#[derive(Default)]
struct RawStructAttrs {
    crate_path: Option<Path>,
    flavor: Option<Flavor>,
    skip_name_checks: Option<Span>,
    forbid_excess_udt_fields: Option<Span>,
}

/// Field-level attributes as written, with the span of each.
#[derive(Default)]
struct RawFieldAttrs {
    rename: Option<(String, Span)>,
    skip: Option<Span>,
    allow_missing: Option<Span>,
    default_when_null: Option<Span>,
    flatten: Option<Span>,
}

fn duplicate(meta: &syn::meta::ParseNestedMeta<'_>, name: &str) -> syn::Error {
    meta.error(format!("duplicate `{name}` attribute"))
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    meta: &syn::meta::ParseNestedMeta<'_>,
    name: &str,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(duplicate(meta, name));
    }
    *slot = Some(value);
    Ok(())
}

fn path_name(path: &Path) -> String {
    let s: Vec<String> = path
        .segments
        .iter()
        .map(|seg| seg.ident.to_string())
        .collect();
    s.join("::")
}

fn parse_struct_attrs(input: &DeriveInput, errors: &mut Errors) -> RawStructAttrs {
    let mut out = RawStructAttrs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("scylla")) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let value = meta.value()?;
                let path: Path = if value.peek(LitStr) {
                    let lit: LitStr = value.parse()?;
                    lit.parse().map_err(|_| {
                        syn::Error::new(
                            lit.span(),
                            format!(
                                "`crate = \"{}\"` is not a path; expected e.g. `crate = scylla` or `crate = \"scylla_cql\"`",
                                lit.value()
                            ),
                        )
                    })?
                } else {
                    value.parse()?
                };
                set_once(&mut out.crate_path, path, &meta, "crate")
            } else if meta.path.is_ident("flavor") {
                let lit: LitStr = meta.value()?.parse()?;
                let flavor = match lit.value().as_str() {
                    "match_by_name" => Flavor::MatchByName,
                    "enforce_order" => Flavor::EnforceOrder,
                    other => {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!(
                                "unknown flavor `{other}`; expected \"match_by_name\" or \"enforce_order\""
                            ),
                        ));
                    }
                };
                set_once(&mut out.flavor, flavor, &meta, "flavor")
            } else if meta.path.is_ident("skip_name_checks") {
                set_once(
                    &mut out.skip_name_checks,
                    meta.path.span(),
                    &meta,
                    "skip_name_checks",
                )
            } else if meta.path.is_ident("forbid_excess_udt_fields") {
                set_once(
                    &mut out.forbid_excess_udt_fields,
                    meta.path.span(),
                    &meta,
                    "forbid_excess_udt_fields",
                )
            } else {
                Err(meta.error(format!(
                    "unknown struct attribute `{}`; expected one of `crate`, `flavor`, `skip_name_checks`, `forbid_excess_udt_fields`",
                    path_name(&meta.path)
                )))
            }
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    out
}

fn parse_field_attrs(field: &syn::Field, errors: &mut Errors) -> RawFieldAttrs {
    let mut out = RawFieldAttrs::default();
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("scylla")) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let lit: LitStr = meta.value()?.parse()?;
                set_once(
                    &mut out.rename,
                    (lit.value(), meta.path.span()),
                    &meta,
                    "rename",
                )
            } else if meta.path.is_ident("skip") {
                set_once(&mut out.skip, meta.path.span(), &meta, "skip")
            } else if meta.path.is_ident("allow_missing") {
                set_once(
                    &mut out.allow_missing,
                    meta.path.span(),
                    &meta,
                    "allow_missing",
                )
            } else if meta.path.is_ident("default_when_null") {
                set_once(
                    &mut out.default_when_null,
                    meta.path.span(),
                    &meta,
                    "default_when_null",
                )
            } else if meta.path.is_ident("flatten") {
                set_once(&mut out.flatten, meta.path.span(), &meta, "flatten")
            } else {
                Err(meta.error(format!(
                    "unknown field attribute `{}`; expected one of `rename`, `skip`, `allow_missing`, `default_when_null`, `flatten`",
                    path_name(&meta.path)
                )))
            }
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    out
}

/// Parses `input` for the derive `kind`, validating every attribute against it.
pub(crate) fn parse(input: DeriveInput, kind: DeriveKind) -> syn::Result<StructDef> {
    let derive = kind.name();
    let mut errors = Errors::default();

    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => Some(named.named.iter().collect::<Vec<_>>()),
            Fields::Unnamed(f) => {
                errors.push(syn::Error::new(
                    f.span(),
                    format!(
                        "#[derive({derive})] supports only structs with named fields, not tuple structs"
                    ),
                ));
                None
            }
            Fields::Unit => {
                errors.push(syn::Error::new(
                    input.ident.span(),
                    format!(
                        "#[derive({derive})] supports only structs with named fields, not unit structs"
                    ),
                ));
                None
            }
        },
        Data::Enum(e) => {
            errors.push(syn::Error::new(
                e.enum_token.span,
                format!("#[derive({derive})] supports only structs with named fields, not enums"),
            ));
            None
        }
        Data::Union(u) => {
            errors.push(syn::Error::new(
                u.union_token.span,
                format!("#[derive({derive})] supports only structs with named fields, not unions"),
            ));
            None
        }
    };

    let raw = parse_struct_attrs(&input, &mut errors);
    let flavor = raw.flavor.unwrap_or(Flavor::MatchByName);
    if let Some(span) = raw.skip_name_checks
        && flavor != Flavor::EnforceOrder
    {
        errors.push(syn::Error::new(
            span,
            "`skip_name_checks` requires `flavor = \"enforce_order\"` (with matching by name, names are what fields are matched by)",
        ));
    }
    if let Some(span) = raw.forbid_excess_udt_fields
        && !kind.is_value()
    {
        errors.push(syn::Error::new(
            span,
            format!(
                "`forbid_excess_udt_fields` is not supported by #[derive({derive})]: it applies to UDTs (SerializeValue, DeserializeValue) only"
            ),
        ));
    }

    let mut fields = Vec::new();
    for field in named.into_iter().flatten() {
        let a = parse_field_attrs(field, &mut errors);
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        if let Some(span) = a.allow_missing
            && !kind.is_value()
        {
            errors.push(syn::Error::new(
                span,
                format!(
                    "`allow_missing` is not supported by #[derive({derive})]: it applies to UDT fields (SerializeValue, DeserializeValue) only; a row must have every column"
                ),
            ));
        }
        if let Some(span) = a.flatten {
            if kind != DeriveKind::SerializeRow {
                errors.push(syn::Error::new(
                    span,
                    format!(
                        "`flatten` is not supported by #[derive({derive})]: only SerializeRow can inline another struct's columns"
                    ),
                ));
            } else if let Some((_, rename_span)) = &a.rename {
                errors.push(syn::Error::new(
                    *rename_span,
                    "`rename` cannot be combined with `flatten`: a flattened field contributes the columns of its own type, not a column of its own",
                ));
            }
        }
        let cql_name = match &a.rename {
            Some((name, _)) => name.clone(),
            None => {
                let s = ident.to_string();
                s.strip_prefix("r#").map(str::to_owned).unwrap_or(s)
            }
        };
        fields.push(FieldDef {
            ident,
            ty: field.ty.clone(),
            cql_name,
            skip: a.skip.is_some(),
            allow_missing: a.allow_missing.is_some(),
            default_when_null: a.default_when_null.is_some(),
            flatten: a.flatten.is_some(),
        });
    }

    // With matching by name, two fields sharing a CQL name would be ambiguous.
    if flavor == Flavor::MatchByName {
        for (i, f) in fields.iter().enumerate() {
            if f.skip || f.flatten {
                continue;
            }
            let dup = fields[..i]
                .iter()
                .any(|g| !g.skip && !g.flatten && g.cql_name == f.cql_name);
            if dup {
                errors.push(syn::Error::new(
                    f.ident.span(),
                    format!(
                        "two fields map to the same name \"{}\"; use `rename` to give each a distinct name",
                        f.cql_name
                    ),
                ));
            }
        }
    }

    errors.finish()?;

    let internal = match raw.crate_path {
        Some(path) => quote::quote!(#path::_macro_internal),
        None => quote::quote!(::scylla::_macro_internal),
    };

    Ok(StructDef {
        ident: input.ident,
        generics: input.generics,
        internal,
        flavor,
        skip_name_checks: raw.skip_name_checks.is_some(),
        forbid_excess_udt_fields: raw.forbid_excess_udt_fields.is_some(),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(kind: DeriveKind, input: proc_macro2::TokenStream) -> StructDef {
        match parse(syn::parse2(input).expect("valid item"), kind) {
            Ok(def) => def,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn parse_err(kind: DeriveKind, input: proc_macro2::TokenStream) -> Vec<String> {
        match parse(syn::parse2(input).expect("valid item"), kind) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn defaults() {
        let def = parse_ok(
            DeriveKind::SerializeRow,
            quote::quote!(
                struct S {
                    a: i32,
                    r#type: i32,
                }
            ),
        );
        assert_eq!(def.flavor, Flavor::MatchByName);
        assert!(!def.skip_name_checks && !def.forbid_excess_udt_fields);
        assert_eq!(def.internal.to_string(), ":: scylla :: _macro_internal");
        let names: Vec<_> = def.fields.iter().map(|f| f.cql_name.as_str()).collect();
        assert_eq!(names, ["a", "type"]);
        assert!(def.fields.iter().all(|f| !f.skip && !f.flatten));
    }

    #[test]
    fn every_attribute() {
        let def = parse_ok(
            DeriveKind::DeserializeValue,
            quote::quote! {
                #[scylla(crate = "my::path", flavor = "enforce_order")]
                #[scylla(skip_name_checks, forbid_excess_udt_fields)]
                struct S {
                    #[scylla(rename = "x", allow_missing)]
                    a: i32,
                    #[scylla(skip)]
                    #[scylla(default_when_null)]
                    b: i32,
                }
            },
        );
        assert_eq!(def.flavor, Flavor::EnforceOrder);
        assert!(def.skip_name_checks && def.forbid_excess_udt_fields);
        assert_eq!(def.internal.to_string(), "my :: path :: _macro_internal");
        assert_eq!(def.fields[0].cql_name, "x");
        assert!(def.fields[0].allow_missing);
        assert!(def.fields[1].skip && def.fields[1].default_when_null);

        let def = parse_ok(
            DeriveKind::SerializeRow,
            quote::quote!(
                #[scylla(crate = crate)]
                struct S {
                    #[scylla(flatten)]
                    a: T,
                }
            ),
        );
        assert_eq!(def.internal.to_string(), "crate :: _macro_internal");
        assert!(def.fields[0].flatten);
    }

    #[test]
    fn all_errors_are_reported_together() {
        let errors = parse_err(
            DeriveKind::DeserializeRow,
            quote::quote! {
                #[scylla(skip_name_checks, forbid_excess_udt_fields, nope)]
                struct S {
                    #[scylla(allow_missing)]
                    a: i32,
                    #[scylla(flatten)]
                    b: i32,
                    #[scylla(rename = "a")]
                    c: i32,
                }
            },
        );
        assert_eq!(errors.len(), 6, "{errors:?}");
        for (err, what) in errors.iter().zip([
            "unknown struct attribute `nope`",
            "`skip_name_checks` requires",
            "`forbid_excess_udt_fields` is not supported by #[derive(DeserializeRow)]",
            "`allow_missing` is not supported by #[derive(DeserializeRow)]",
            "`flatten` is not supported by #[derive(DeserializeRow)]",
            "two fields map to the same name \"a\"",
        ]) {
            assert!(err.contains(what), "{err:?} does not say {what:?}");
        }
    }

    #[test]
    fn skip_and_flatten_fields_do_not_clash_by_name() {
        parse_ok(
            DeriveKind::SerializeRow,
            quote::quote! {
                struct S {
                    a: i32,
                    #[scylla(skip, rename = "a")]
                    a2: i32,
                    #[scylla(flatten)]
                    inner: Inner,
                }
            },
        );
        let errors = parse_err(
            DeriveKind::SerializeValue,
            quote::quote!(
                struct S {
                    a: i32,
                    #[scylla(rename = "a")]
                    b: i32,
                }
            ),
        );
        assert_eq!(errors.len(), 1);
    }
}
