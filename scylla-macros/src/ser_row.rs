//! `#[derive(SerializeRow)]`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::{GenericParam, Lifetime, LifetimeParam};

use crate::attrs::{Flavor, StructDef};
use crate::common::{allow_lints, bound, impl_params, name_lit, self_ty, where_clause};

pub(crate) fn derive(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let bounds: Vec<TokenStream> = def
        .fields
        .iter()
        .filter(|f| !f.skip)
        .map(|f| {
            if f.flatten {
                let by = match def.flavor {
                    Flavor::MatchByName => quote!(#i::SerializeRowByName),
                    Flavor::EnforceOrder => quote!(#i::SerializeRowInOrder),
                };
                bound(f, quote!(#i::SerializeRow + #by))
            } else {
                bound(f, quote!(#i::SerializeValue))
            }
        })
        .collect();
    let wc = where_clause(&def.generics, bounds.clone());
    let params = impl_params(&def.generics);
    let self_ty = self_ty(def);
    let lints = allow_lints();

    let is_empty_terms = def.fields.iter().filter(|f| !f.skip).map(|f| {
        let ident = &f.ident;
        let ty = &f.ty;
        if f.flatten {
            quote!(<#ty as #i::SerializeRow>::is_empty(&self.#ident))
        } else {
            quote!(false)
        }
    });

    let (serialize_body, helper) = match def.flavor {
        Flavor::MatchByName => by_name(def, &bounds),
        Flavor::EnforceOrder => in_order(def, &bounds),
    };

    quote! {
        #lints
        impl #params #i::SerializeRow for #self_ty #wc {
            fn serialize(
                &self,
                __ctx: &#i::RowSerializationContext<'_>,
                __writer: &mut #i::RowWriter<'_>,
            ) -> ::core::result::Result<(), #i::SerializationError> {
                #serialize_body
            }

            fn is_empty(&self) -> ::core::primitive::bool {
                true #(&& #is_empty_terms)*
            }
        }

        #helper
    }
}

/// `match_by_name`: the row is serialized through the struct's
/// `SerializeRowByName` impl (which flattening structs use too).
fn by_name(def: &StructDef, bounds: &[TokenStream]) -> (TokenStream, TokenStream) {
    let i = &def.internal;
    let lints = allow_lints();
    let self_ty = self_ty(def);
    let params = impl_params(&def.generics);
    let wc = where_clause(&def.generics, bounds.to_vec());

    let serialize_body = quote! {
        let mut __partial = <Self as #i::SerializeRowByName>::partial(self);
        for __spec in #i::RowSerializationContext::columns(__ctx) {
            match #i::PartialSerializeRowByName::serialize_field(&mut __partial, __spec, __writer)? {
                #i::ColumnSerializationStatus::Serialized => {}
                #i::ColumnSerializationStatus::NotUsed => {
                    return ::core::result::Result::Err(
                        #i::ser_row_value_missing_for_column::<Self>(__spec.name()),
                    );
                }
            }
        }
        #i::PartialSerializeRowByName::check_missing(__partial)
    };

    // The partial state's own generics: a lifetime for the borrow of the struct, then
    // the struct's.
    let d = Lifetime::new("'__scylla_d", Span::call_site());
    let mut pgen = def.generics.clone();
    pgen.params
        .insert(0, GenericParam::Lifetime(LifetimeParam::new(d.clone())));
    let (p_impl, p_ty, _) = pgen.split_for_impl();

    let own: Vec<_> = def
        .fields
        .iter()
        .filter(|f| !f.skip && !f.flatten)
        .collect();
    let flat: Vec<_> = def.fields.iter().filter(|f| !f.skip && f.flatten).collect();
    let n_own = own.len();

    let mut pbounds = bounds.to_vec();
    for f in &flat {
        pbounds.push(bound(f, quote!(#d)));
    }
    let pwc = where_clause(&def.generics, pbounds);

    let flat_names: Vec<_> = (0..flat.len())
        .map(|k| quote::format_ident!("__flat_{}", k))
        .collect();
    let flat_tys: Vec<_> = flat.iter().map(|f| &f.ty).collect();
    let flat_idents: Vec<_> = flat.iter().map(|f| &f.ident).collect();

    let arms = own.iter().enumerate().map(|(k, f)| {
        let name = name_lit(f);
        let ident = &f.ident;
        let ty = &f.ty;
        quote! {
            #name => {
                if let ::core::result::Result::Err(__err) = <#ty as #i::SerializeValue>::serialize(
                    &self.__value.#ident,
                    __spec.typ(),
                    __writer.make_cell_writer(),
                ) {
                    return ::core::result::Result::Err(
                        #i::ser_row_column_failed::<#self_ty>(__spec.name(), __err),
                    );
                }
                self.__visited[#k] = true;
                ::core::result::Result::Ok(#i::ColumnSerializationStatus::Serialized)
            }
        }
    });
    let missing_checks = own.iter().enumerate().map(|(k, f)| {
        let name = name_lit(f);
        quote! {
            if !self.__visited[#k] {
                return ::core::result::Result::Err(
                    #i::ser_row_no_column_with_name::<#self_ty>(#name),
                );
            }
        }
    });

    let helper = quote! {
        const _: () = {
            #[doc(hidden)]
            pub struct __ScyllaPartial #p_impl #pwc {
                __value: &#d #self_ty,
                __visited: [::core::primitive::bool; #n_own],
                #( #flat_names: <#flat_tys as #i::SerializeRowByName>::Partial<#d>, )*
            }

            #lints
            impl #params #i::SerializeRowByName for #self_ty #wc {
                type Partial<#d> = __ScyllaPartial #p_ty where Self: #d;

                fn partial(&self) -> Self::Partial<'_> {
                    __ScyllaPartial {
                        __value: self,
                        __visited: [false; #n_own],
                        #( #flat_names: <#flat_tys as #i::SerializeRowByName>::partial(&self.#flat_idents), )*
                    }
                }
            }

            #lints
            impl #p_impl #i::PartialSerializeRowByName for __ScyllaPartial #p_ty #pwc {
                fn serialize_field(
                    &mut self,
                    __spec: &#i::ColumnSpec<'_>,
                    __writer: &mut #i::RowWriter<'_>,
                ) -> ::core::result::Result<#i::ColumnSerializationStatus, #i::SerializationError> {
                    match __spec.name() {
                        #( #arms )*
                        _ => {
                            #(
                                if let #i::ColumnSerializationStatus::Serialized =
                                    #i::PartialSerializeRowByName::serialize_field(
                                        &mut self.#flat_names, __spec, __writer,
                                    )?
                                {
                                    return ::core::result::Result::Ok(
                                        #i::ColumnSerializationStatus::Serialized,
                                    );
                                }
                            )*
                            ::core::result::Result::Ok(#i::ColumnSerializationStatus::NotUsed)
                        }
                    }
                }

                fn check_missing(self) -> ::core::result::Result<(), #i::SerializationError> {
                    #( #missing_checks )*
                    #( #i::PartialSerializeRowByName::check_missing(self.#flat_names)?; )*
                    ::core::result::Result::Ok(())
                }
            }
        };
    };
    (serialize_body, helper)
}

/// `enforce_order`: the row is serialized through the struct's `SerializeRowInOrder`
/// impl (which flattening structs use too).
fn in_order(def: &StructDef, bounds: &[TokenStream]) -> (TokenStream, TokenStream) {
    let i = &def.internal;
    let lints = allow_lints();
    let self_ty = self_ty(def);
    let params = impl_params(&def.generics);
    let wc = where_clause(&def.generics, bounds.to_vec());

    let serialize_body = quote! {
        let __columns = #i::RowSerializationContext::columns(__ctx);
        #i::ser_row_check_column_count::<Self>(
            <Self as #i::SerializeRowInOrder>::COLUMN_COUNT,
            __columns,
        )?;
        let mut __cols = #i::InOrderColumns::new(__columns);
        <Self as #i::SerializeRowInOrder>::serialize_in_order(self, &mut __cols, __writer)
    };

    let n_own = def.fields.iter().filter(|f| !f.skip && !f.flatten).count();
    let flat_counts = def.fields.iter().filter(|f| !f.skip && f.flatten).map(|f| {
        let ty = &f.ty;
        quote!(<#ty as #i::SerializeRowInOrder>::COLUMN_COUNT)
    });

    let steps = def.fields.iter().filter(|f| !f.skip).map(|f| {
        let ident = &f.ident;
        let ty = &f.ty;
        if f.flatten {
            quote! {
                <#ty as #i::SerializeRowInOrder>::serialize_in_order(&self.#ident, __columns, __writer)?;
            }
        } else {
            let name = name_lit(f);
            let name_check = if def.skip_name_checks {
                quote!()
            } else {
                quote! {
                    if __spec.name() != #name {
                        return ::core::result::Result::Err(
                            #i::ser_row_column_name_mismatch::<Self>(#name, __spec.name()),
                        );
                    }
                }
            };
            quote! {
                {
                    let __spec = __columns.next_column::<Self>(
                        <Self as #i::SerializeRowInOrder>::COLUMN_COUNT,
                    )?;
                    #name_check
                    if let ::core::result::Result::Err(__err) = <#ty as #i::SerializeValue>::serialize(
                        &self.#ident,
                        __spec.typ(),
                        __writer.make_cell_writer(),
                    ) {
                        return ::core::result::Result::Err(
                            #i::ser_row_column_failed::<Self>(__spec.name(), __err),
                        );
                    }
                }
            }
        }
    });

    let helper = quote! {
        #lints
        impl #params #i::SerializeRowInOrder for #self_ty #wc {
            const COLUMN_COUNT: ::core::primitive::usize = #n_own #(+ #flat_counts)*;

            fn serialize_in_order(
                &self,
                __columns: &mut #i::InOrderColumns<'_>,
                __writer: &mut #i::RowWriter<'_>,
            ) -> ::core::result::Result<(), #i::SerializationError> {
                #( #steps )*
                ::core::result::Result::Ok(())
            }
        }
    };
    (serialize_body, helper)
}
