//! `#[derive(DeserializeValue)]`: a struct from a CQL user-defined type.

use proc_macro2::TokenStream;
use quote::quote;

use crate::attrs::{FieldDef, Flavor, StructDef};
use crate::common::{
    DeserImplHead, construct_from_field_vars, deser_generics, deser_impl_head, field_var, name_lit,
};

/// Whether a field gets `Default::default()` when the UDT type lacks it.
fn may_be_absent(f: &FieldDef) -> bool {
    f.allow_missing || f.default_when_null
}

pub(crate) fn derive(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let DeserImplHead {
        frame,
        metadata,
        params,
        self_ty,
        wc,
        lints,
    } = deser_impl_head(def, may_be_absent);

    let (type_check, deserialize) = match def.flavor {
        Flavor::MatchByName => (by_name_type_check(def), by_name_deserialize(def)),
        Flavor::EnforceOrder => (in_order_type_check(def), in_order_deserialize(def)),
    };

    quote! {
        #lints
        impl #params #i::DeserializeValue<#frame, #metadata> for #self_ty #wc {
            fn type_check(
                __typ: &#i::ColumnType<'_>,
            ) -> ::core::result::Result<(), #i::TypeCheckError> {
                #type_check
            }

            fn deserialize(
                __typ: &#metadata #i::ColumnType<#metadata>,
                __v: ::core::option::Option<#i::FrameSlice<#frame>>,
            ) -> ::core::result::Result<Self, #i::DeserializationError> {
                #deserialize
            }
        }
    }
}

/// Deserializes a field from `__field` (its definition) and `__slice` (its bytes).
fn read_field(def: &StructDef, f: &FieldDef, frame_meta: &TokenStream) -> TokenStream {
    let i = &def.internal;
    let ty = &f.ty;
    let name = name_lit(f);
    let read = quote! {
        match <#ty as #i::DeserializeValue #frame_meta>::deserialize(&__field.1, __slice) {
            ::core::result::Result::Ok(__value) => __value,
            ::core::result::Result::Err(__err) => {
                return ::core::result::Result::Err(
                    #i::deser_udt_field_failed::<Self>(__typ, #name, __err),
                );
            }
        }
    };
    if f.default_when_null {
        quote! {
            if ::core::option::Option::is_none(&__slice) {
                ::core::default::Default::default()
            } else {
                #read
            }
        }
    } else {
        read
    }
}

fn frame_meta(def: &StructDef) -> TokenStream {
    let (frame, metadata, _) = deser_generics(def);
    quote!(<#frame, #metadata>)
}

fn by_name_type_check(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let fm = frame_meta(def);
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let n = fields.len();
    let arms = fields.iter().enumerate().map(|(k, f)| {
        let name = name_lit(f);
        let ty = &f.ty;
        quote! {
            #name => {
                if __seen[#k] {
                    return ::core::result::Result::Err(
                        #i::deser_udt_duplicated_field::<Self>(__typ, #name),
                    );
                }
                __seen[#k] = true;
                if let ::core::result::Result::Err(__err) =
                    <#ty as #i::DeserializeValue #fm>::type_check(&__field.1)
                {
                    return ::core::result::Result::Err(
                        #i::deser_udt_field_typck_failed::<Self>(__typ, #name, __err),
                    );
                }
            }
        }
    });
    let excess = if def.forbid_excess_udt_fields {
        quote! {
            return ::core::result::Result::Err(#i::deser_udt_excess_field::<Self>(__typ, __other));
        }
    } else {
        quote!()
    };
    let required = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !may_be_absent(f))
        .map(|(k, f)| {
            let name = name_lit(f);
            quote!((#name, __seen[#k]))
        });
    quote! {
        let __fields = #i::deser_udt_fields::<Self>(__typ)?;
        let mut __seen = [false; #n];
        for __field in __fields {
            match &*__field.0 {
                #( #arms )*
                __other => {
                    #excess
                }
            }
        }
        #i::deser_udt_check_missing::<Self>(__typ, &[ #( #required ),* ])
    }
}

fn by_name_deserialize(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let fm = frame_meta(def);
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let decls = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let ty = &f.ty;
        quote!(let mut #v: ::core::option::Option<#ty> = ::core::option::Option::None;)
    });
    let arms = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let name = name_lit(f);
        let read = read_field(def, f, &fm);
        quote! {
            #name => {
                let __slice = ::core::option::Option::flatten(__raw);
                #v = ::core::option::Option::Some(#read);
            }
        }
    });
    let unwraps = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let name = name_lit(f);
        let none = if may_be_absent(f) {
            quote!(::core::default::Default::default())
        } else {
            quote! {
                return ::core::result::Result::Err(#i::deser_udt_missing_field::<Self>(__typ, #name))
            }
        };
        quote! {
            let #v = match #v {
                ::core::option::Option::Some(__value) => __value,
                ::core::option::Option::None => #none,
            };
        }
    });
    let construct = construct_from_field_vars(def);
    quote! {
        let __iter = #i::deser_udt_iter::<Self>(__typ, __v)?;
        #( #decls )*
        for (__field, __raw) in __iter {
            let __raw = match __raw {
                ::core::result::Result::Ok(__raw) => __raw,
                ::core::result::Result::Err(__err) => {
                    return ::core::result::Result::Err(
                        #i::deser_udt_field_failed::<Self>(__typ, &__field.0, __err),
                    );
                }
            };
            match &*__field.0 {
                #( #arms )*
                _ => {}
            }
        }
        #( #unwraps )*
        #construct
    }
}

fn in_order_type_check(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let fm = frame_meta(def);
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let required: Vec<_> = fields
        .iter()
        .filter(|f| !may_be_absent(f))
        .map(|f| name_lit(f))
        .collect();
    let steps = fields.iter().map(|f| {
        let name = name_lit(f);
        let ty = &f.ty;
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
                    #i::deser_udt_field_name_mismatch::<Self>(__typ, __pos, #name, &__field.0),
                );
            }
        };
        let on_end = if may_be_absent(f) {
            quote!()
        } else {
            quote! {
                return ::core::result::Result::Err(
                    #i::deser_udt_too_few_fields::<Self>(__typ, &[ #( #required ),* ], __fields),
                );
            }
        };
        quote! {
            match __fields.get(__pos) {
                ::core::option::Option::Some(__field) if #matches => {
                    if let ::core::result::Result::Err(__err) =
                        <#ty as #i::DeserializeValue #fm>::type_check(&__field.1)
                    {
                        return ::core::result::Result::Err(
                            #i::deser_udt_field_typck_failed::<Self>(__typ, #name, __err),
                        );
                    }
                    __pos += 1;
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
            if let ::core::option::Option::Some(__field) = __fields.get(__pos) {
                return ::core::result::Result::Err(#i::deser_udt_excess_field::<Self>(__typ, &__field.0));
            }
        }
    } else {
        quote!()
    };
    quote! {
        let __fields = #i::deser_udt_fields::<Self>(__typ)?;
        let mut __pos: ::core::primitive::usize = 0;
        #( #steps )*
        #excess
        ::core::result::Result::Ok(())
    }
}

fn in_order_deserialize(def: &StructDef) -> TokenStream {
    let i = &def.internal;
    let fm = frame_meta(def);
    let fields: Vec<_> = def.fields.iter().filter(|f| !f.skip).collect();
    let steps = fields.iter().enumerate().map(|(k, f)| {
        let v = field_var(k);
        let name = name_lit(f);
        let ty = &f.ty;
        let matches = if def.skip_name_checks {
            quote!(true)
        } else {
            quote!(&*(__entry.0).0 == #name)
        };
        let read = read_field(def, f, &fm);
        let missing_err = quote! {
            return ::core::result::Result::Err(#i::deser_udt_missing_field::<Self>(__typ, #name))
        };
        let on_absent = if f.allow_missing {
            quote!(::core::default::Default::default())
        } else if f.default_when_null {
            // Absent only at the end of the UDT, as the type check allowed.
            quote! {
                if ::core::option::Option::is_none(&__iter.peek()) {
                    ::core::default::Default::default()
                } else {
                    #missing_err
                }
            }
        } else {
            missing_err
        };
        quote! {
            let #v: #ty = match __iter.next_if(|__entry| #matches) {
                ::core::option::Option::Some((__field, __raw)) => {
                    let __raw = match __raw {
                        ::core::result::Result::Ok(__raw) => __raw,
                        ::core::result::Result::Err(__err) => {
                            return ::core::result::Result::Err(
                                #i::deser_udt_field_failed::<Self>(__typ, &__field.0, __err),
                            );
                        }
                    };
                    let __slice = ::core::option::Option::flatten(__raw);
                    #read
                }
                ::core::option::Option::None => #on_absent,
            };
        }
    });
    let construct = construct_from_field_vars(def);
    quote! {
        let mut __iter = ::core::iter::Iterator::peekable(#i::deser_udt_iter::<Self>(__typ, __v)?);
        #( #steps )*
        #construct
    }
}
