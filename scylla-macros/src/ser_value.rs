//! `#[derive(SerializeValue)]`: a struct as a CQL user-defined type.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attrs::{Flavor, StructDef};
use crate::common::{allow_lints, bound, impl_params, name_lit, self_ty, where_clause};

pub(crate) fn derive(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let bounds: Vec<TokenStream> = def
        .fields
        .iter()
        .filter(|f| !f.skip)
        .map(|f| bound(f, quote!(#i::SerializeValue)))
        .collect();
    let wc = where_clause(&def.generics, bounds);
    let params = impl_params(&def.generics);
    let self_ty = self_ty(def);
    let lints = allow_lints();

    let body = match def.flavor {
        Flavor::MatchByName => by_name(def),
        Flavor::EnforceOrder => in_order(def),
    };

    quote! {
        #lints
        impl #params #i::SerializeValue for #self_ty #wc {
            fn serialize<'__scylla_b>(
                &self,
                __typ: &#i::ColumnType<'_>,
                __writer: #i::CellWriter<'__scylla_b>,
            ) -> ::core::result::Result<#i::WrittenCellProof<'__scylla_b>, #i::SerializationError> {
                let __fields = #i::ser_udt_fields::<Self>(__typ)?;
                let mut __builder = __writer.into_value_builder();
                #body
                #i::ser_udt_finish::<Self>(__typ, __builder)
            }
        }
    }
}

/// Writes one field's value into the UDT being built.
fn write_field(def: &StructDef, f: &crate::attrs::FieldDef, typ_expr: TokenStream) -> TokenStream {
    let i = &def.internal;
    let ident = &f.ident;
    let ty = &f.ty;
    let name = name_lit(f);
    quote! {
        if let ::core::result::Result::Err(__err) = <#ty as #i::SerializeValue>::serialize(
            &self.#ident,
            #typ_expr,
            __builder.make_sub_writer(),
        ) {
            return ::core::result::Result::Err(#i::ser_udt_field_failed::<Self>(__typ, #name, __err));
        }
    }
}

/// `match_by_name`: UDT fields the struct lacks are written as null when more fields
/// follow and omitted at the end (or are an error with `forbid_excess_udt_fields`);
/// struct fields the UDT lacks are an error unless `allow_missing`.
fn by_name(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let n = fields.len();
    let names: Vec<_> = fields.iter().map(|f| name_lit(f)).collect();

    let excess = if def.forbid_excess_udt_fields {
        quote! {
            return ::core::result::Result::Err(#i::ser_udt_value_missing::<Self>(__typ, __other));
        }
    } else {
        quote!()
    };
    let known_pattern = if names.is_empty() {
        // No field can match: a pattern that matches no string literal we generate.
        quote!()
    } else {
        quote! {
            #( #names )|* => {
                __write_len = __index + 1;
            }
        }
    };

    let arms = fields.iter().enumerate().map(|(k, f)| {
        let name = name_lit(f);
        let write = write_field(def, f, quote!(&__field.1));
        quote! {
            #name => {
                #write
                __visited[#k] = true;
            }
        }
    });

    let checks = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.allow_missing)
        .map(|(k, f)| {
            let name = name_lit(f);
            quote! {
                if !__visited[#k] {
                    return ::core::result::Result::Err(#i::ser_udt_no_such_field::<Self>(__typ, #name));
                }
            }
        });

    quote! {
        // How many UDT fields to write: up to the last one the struct has.
        let mut __write_len: ::core::primitive::usize = 0;
        for (__index, __field) in ::core::iter::Iterator::enumerate(__fields.iter()) {
            match &*__field.0 {
                #known_pattern
                __other => {
                    #excess
                }
            }
        }
        let mut __visited = [false; #n];
        for __field in ::core::iter::Iterator::take(__fields.iter(), __write_len) {
            match &*__field.0 {
                #( #arms )*
                _ => #i::ser_udt_null_field(&mut __builder),
            }
        }
        #( #checks )*
    }
}

/// `enforce_order`: struct fields are written in order into the UDT's fields, whose
/// names must match unless `skip_name_checks`; only a suffix of the UDT may be missing
/// from the struct (none with `forbid_excess_udt_fields`).
fn in_order(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let steps = def.fields.iter().filter(|f| !f.skip).map(|f| {
        let name = name_lit(f);
        let write = write_field(def, f, quote!(&__field.1));
        let matches = if def.skip_name_checks {
            quote!(true)
        } else {
            quote!(&*__field.0 == #name)
        };
        let on_mismatch = if f.allow_missing {
            quote!()
        } else {
            quote! {
                return ::core::result::Result::Err(
                    #i::ser_udt_field_name_mismatch::<Self>(__typ, #name, &__field.0),
                );
            }
        };
        let on_end = if f.allow_missing {
            quote!()
        } else {
            quote! {
                return ::core::result::Result::Err(#i::ser_udt_no_such_field::<Self>(__typ, #name));
            }
        };
        quote! {
            match __it.as_slice().first() {
                ::core::option::Option::Some(__field) if #matches => {
                    #write
                    ::core::iter::Iterator::next(&mut __it);
                }
                ::core::option::Option::Some(__field) => {
                    #on_mismatch
                }
                ::core::option::Option::None => {
                    #on_end
                }
            }
        }
    });
    let excess = if def.forbid_excess_udt_fields {
        quote! {
            if let ::core::option::Option::Some(__field) = ::core::iter::Iterator::next(&mut __it) {
                return ::core::result::Result::Err(#i::ser_udt_value_missing::<Self>(__typ, &__field.0));
            }
        }
    } else {
        quote!()
    };
    quote! {
        let mut __it = __fields.iter();
        #( #steps )*
        #excess
    }
}
