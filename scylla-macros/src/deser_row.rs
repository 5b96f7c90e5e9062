//! `#[derive(DeserializeRow)]`: a struct from a row of a result set.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attrs::{FieldDef, Flavor, StructDef};
use crate::common::{
    DeserImplHead, construct_from_field_vars, deser_impl_head, field_var, name_lit,
};

pub(crate) fn derive(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let DeserImplHead {
        frame,
        metadata,
        params,
        self_ty,
        wc,
        lints,
    } = deser_impl_head(def, |f| f.default_when_null);
    let fm = quote!(<#frame, #metadata>);

    let (type_check, deserialize) = match def.flavor {
        Flavor::MatchByName => (by_name_type_check(def, &fm), by_name_deserialize(def, &fm)),
        Flavor::EnforceOrder => (
            in_order_type_check(def, &fm),
            in_order_deserialize(def, &fm),
        ),
    };

    quote! {
        #lints
        impl #params #i::DeserializeRow<#frame, #metadata> for #self_ty #wc {
            fn type_check(
                __specs: &[#i::ColumnSpec<'_>],
            ) -> ::core::result::Result<(), #i::TypeCheckError> {
                #type_check
            }

            fn deserialize(
                __row: #i::ColumnIterator<#frame, #metadata>,
            ) -> ::core::result::Result<Self, #i::DeserializationError> {
                #deserialize
            }
        }
    }
}

/// Deserializes a field from `__col`, a `RawColumn`.
fn read_column(def: &StructDef, f: &FieldDef, fm: &TokenStream) -> TokenStream {
    let i = &def.internal;
    let ty = &f.ty;
    let read = quote! {
        match <#ty as #i::DeserializeValue #fm>::deserialize(__col.spec.typ(), __col.slice) {
            ::core::result::Result::Ok(__value) => __value,
            ::core::result::Result::Err(__err) => {
                return ::core::result::Result::Err(
                    #i::deser_row_column_failed::<Self>(__col.index, __col.spec.name(), __err),
                );
            }
        }
    };
    if f.default_when_null {
        quote! {
            if ::core::option::Option::is_none(&__col.slice) {
                ::core::default::Default::default()
            } else {
                #read
            }
        }
    } else {
        read
    }
}

fn by_name_type_check(def: &StructDef, fm: &TokenStream) -> TokenStream {
    let i = &def.internal;
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let n = fields.len();
    let arms = fields.iter().enumerate().map(|(k, f)| {
        let name = name_lit(f);
        let ty = &f.ty;
        quote! {
            #name => {
                if __seen[#k] {
                    return ::core::result::Result::Err(
                        #i::deser_row_duplicated_column::<Self>(__specs, __index, #name),
                    );
                }
                __seen[#k] = true;
                if let ::core::result::Result::Err(__err) =
                    <#ty as #i::DeserializeValue #fm>::type_check(__spec.typ())
                {
                    return ::core::result::Result::Err(
                        #i::deser_row_column_typck_failed::<Self>(__specs, __index, __err),
                    );
                }
            }
        }
    });
    let required = fields.iter().enumerate().map(|(k, f)| {
        let name = name_lit(f);
        quote!((#name, __seen[#k]))
    });
    quote! {
        let mut __seen = [false; #n];
        for (__index, __spec) in ::core::iter::Iterator::enumerate(__specs.iter()) {
            match __spec.name() {
                #( #arms )*
                _ => {
                    return ::core::result::Result::Err(
                        #i::deser_row_unknown_column::<Self>(__specs, __index),
                    );
                }
            }
        }
        #i::deser_row_check_missing::<Self>(__specs, &[ #( #required ),* ])
    }
}

fn by_name_deserialize(def: &StructDef, fm: &TokenStream) -> TokenStream {
    let i = &def.internal;
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let decls = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let ty = &f.ty;
        quote!(let mut #v: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let name = name_lit(f);
        let read = read_column(def, f, fm);
        quote! {
            #name => {
                #v = ::core::option::Option::Some(#read);
            }
        }
    });
    let unwraps = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let name = name_lit(f);
        quote! {
            let #v = match #v {
                ::core::option::Option::Some(__value) => __value,
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(#i::deser_row_missing_column::<Self>(#name));
                }
            };
        }
    });
    let construct = construct_from_field_vars(def);
    quote! {
        #( #decls )*
        for __col in __row {
            let __col = match __col {
                ::core::result::Result::Ok(__col) => __col,
                ::core::result::Result::Err(__err) => {
                    return ::core::result::Result::Err(#i::deser_row_raw_failed::<Self>(__err));
                }
            };
            match __col.spec.name() {
                #( #arms )*
                _ => {}
            }
        }
        #( #unwraps )*
        #construct
    }
}

fn in_order_type_check(def: &StructDef, fm: &TokenStream) -> TokenStream {
    let i = &def.internal;
    let n = def.fields.iter().filter(|f| !f.skip).count();
    let steps = def
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.skip)
        .enumerate()
        .map(|(column_index, (field_index, f))| {
            let name = name_lit(f);
            let ty = &f.ty;
            let name_check = if def.skip_name_checks {
                quote!()
            } else {
                quote! {
                    if __spec.name() != #name {
                        return ::core::result::Result::Err(
                            #i::deser_row_column_name_mismatch::<Self>(
                                __specs, #field_index, #column_index, #name,
                            ),
                        );
                    }
                }
            };
            quote! {
                if let ::core::option::Option::Some(__spec) = __specs.get(#column_index) {
                    #name_check
                    if let ::core::result::Result::Err(__err) =
                        <#ty as #i::DeserializeValue #fm>::type_check(__spec.typ())
                    {
                        return ::core::result::Result::Err(
                            #i::deser_row_column_typck_failed::<Self>(__specs, #column_index, __err),
                        );
                    }
                }
            }
        });
    quote! {
        #i::deser_row_check_column_count::<Self>(__specs, #n)?;
        #( #steps )*
        ::core::result::Result::Ok(())
    }
}

fn in_order_deserialize(def: &StructDef, fm: &TokenStream) -> TokenStream {
    let i = &def.internal;
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let steps = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let ty = &f.ty;
        let name = name_lit(f);
        let read = read_column(def, f, fm);
        quote! {
            let #v: #ty = match ::core::iter::Iterator::next(&mut __row) {
                ::core::option::Option::Some(::core::result::Result::Ok(__col)) => #read,
                ::core::option::Option::Some(::core::result::Result::Err(__err)) => {
                    return ::core::result::Result::Err(#i::deser_row_raw_failed::<Self>(__err));
                }
                ::core::option::Option::None => {
                    return ::core::result::Result::Err(#i::deser_row_missing_column::<Self>(#name));
                }
            };
        }
    });
    let construct = construct_from_field_vars(def);
    quote! {
        let mut __row = __row;
        #( #steps )*
        #construct
    }
}
