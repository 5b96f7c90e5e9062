//! Pieces shared by the four code generators.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Generics, Lifetime, LifetimeParam, LitStr, WhereClause, WherePredicate};

use crate::attrs::{FieldDef, StructDef};

/// The where clause of the user's struct, extended with `extra` predicates.
pub(crate) fn where_clause(generics: &Generics, extra: Vec<TokenStream>) -> WhereClause {
    let mut wc = generics
        .where_clause
        .clone()
        .unwrap_or_else(|| WhereClause {
            where_token: Default::default(),
            predicates: Default::default(),
        });
    for p in extra {
        // The predicates are built by us from valid types; a parse failure cannot
        // happen, but would only drop the bound (and the compiler would then complain
        // at the use site), never panic.
        if let Ok(pred) = syn::parse2::<WherePredicate>(p) {
            wc.predicates.push(pred);
        }
    }
    wc
}

/// `Ty: Bound`, spanned at the field's type so that an unsatisfied bound points there.
pub(crate) fn bound(field: &FieldDef, bound: TokenStream) -> TokenStream {
    let ty = &field.ty;
    let span = ty.span();
    let bound = respan(bound, span);
    quote_spanned!(span=> #ty: #bound)
}

/// Whether `ty` mentions one of the struct's generic type parameters. Only such field
/// types get a `DeserializeValue` bound in the where clause of the deserialize impls;
/// the others are checked in the impl's body, so that a field type without an impl is
/// an error at the struct's definition (a bound naming the impl's lifetimes would only
/// fail where the impl is used).
pub(crate) fn mentions_type_param(def: &StructDef, ty: &syn::Type) -> bool {
    let params: Vec<&syn::Ident> = def.generics.type_params().map(|p| &p.ident).collect();
    fn scan(tokens: TokenStream, params: &[&syn::Ident]) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(id) => params.iter().any(|p| **p == id),
            TokenTree::Group(g) => scan(g.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && scan(ty.to_token_stream(), &params)
}

/// `'frame: 'a` for every lifetime `'a` of the struct other than `'frame` and
/// `'metadata`: borrowed fields (`&'a str`) can then be deserialized from the frame.
pub(crate) fn frame_outlives_struct_lifetimes(
    def: &StructDef,
    frame: &Lifetime,
) -> Vec<TokenStream> {
    def.generics
        .lifetimes()
        .filter(|l| l.lifetime.ident != "frame" && l.lifetime.ident != "metadata")
        .map(|l| {
            let lt = &l.lifetime;
            quote!(#frame: #lt)
        })
        .collect()
}

/// `tokens` with every token (groups included) given `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let TokenTree::Group(g) = &tt {
                let mut ng = Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                tt = TokenTree::Group(ng);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// The field's CQL name as a string literal.
pub(crate) fn name_lit(field: &FieldDef) -> LitStr {
    LitStr::new(&field.cql_name, field.ident.span())
}

/// The deserialization lifetimes `'frame` and `'metadata` of the impl, and the generics
/// of the impl: the struct's own, plus those two unless the struct already declares
/// lifetimes with these names (then the struct's are used, so that a field
/// `&'frame str` borrows straight from the frame).
pub(crate) fn deser_generics(def: &StructDef) -> (Lifetime, Lifetime, Generics) {
    let declared = |name: &str| def.generics.lifetimes().any(|l| l.lifetime.ident == name);
    let frame_declared = declared("frame");
    let metadata_declared = declared("metadata");
    // The names are those of the traits' own parameters; a struct lifetime of the
    // same name is the same lifetime, so no fresh name is needed.
    let frame = Lifetime::new("'frame", Span::call_site());
    let metadata = Lifetime::new("'metadata", Span::call_site());
    let mut generics = def.generics.clone();
    let mut new_params = Vec::new();
    if !frame_declared {
        new_params.push(GenericParam::Lifetime(LifetimeParam::new(frame.clone())));
    }
    if !metadata_declared {
        new_params.push(GenericParam::Lifetime(LifetimeParam::new(metadata.clone())));
    }
    for (i, p) in new_params.into_iter().enumerate() {
        generics.params.insert(i, p);
    }
    (frame, metadata, generics)
}

/// The impl's generic parameter list (`<...>` without defaults).
pub(crate) fn impl_params(generics: &Generics) -> TokenStream {
    let (impl_generics, _, _) = generics.split_for_impl();
    impl_generics.to_token_stream()
}

/// The struct's type with its parameters (`Name<'a, T>`).
pub(crate) fn self_ty(def: &StructDef) -> TokenStream {
    let ident = &def.ident;
    let (_, ty_generics, _) = def.generics.split_for_impl();
    quote!(#ident #ty_generics)
}

/// Attributes put on every generated impl: generated code may leave some lints
/// triggered in ways the user cannot fix.
pub(crate) fn allow_lints() -> TokenStream {
    quote! {
        #[automatically_derived]
        #[allow(unused_variables, unused_mut, unused_assignments, unreachable_code, non_snake_case)]
        #[allow(clippy::all, clippy::pedantic, clippy::nursery)]
    }
}

/// The parts of a deserialize impl's header shared by `DeserializeRow` and
/// `DeserializeValue`.
pub(crate) struct DeserImplHead {
    /// The frame lifetime.
    pub(crate) frame: Lifetime,
    /// The metadata lifetime.
    pub(crate) metadata: Lifetime,
    /// The impl's generic parameter list.
    pub(crate) params: TokenStream,
    /// The struct's type with its parameters.
    pub(crate) self_ty: TokenStream,
    /// The where clause: the struct's own, plus `'frame` outliving the struct's
    /// lifetimes, `DeserializeValue` for field types naming type parameters and
    /// `Default` for the fields that may get a default (`gets_default`).
    pub(crate) wc: WhereClause,
    /// The attributes put on the impl.
    pub(crate) lints: TokenStream,
}

/// Builds the [`DeserImplHead`] of `def`'s deserialize impl.
pub(crate) fn deser_impl_head(
    def: &StructDef,
    gets_default: impl Fn(&FieldDef) -> bool,
) -> DeserImplHead {
    let i = &def.internal;
    let (frame, metadata, generics) = deser_generics(def);
    let mut bounds = frame_outlives_struct_lifetimes(def, &frame);
    for f in &def.fields {
        if !f.skip && mentions_type_param(def, &f.ty) {
            bounds.push(bound(f, quote!(#i::DeserializeValue<#frame, #metadata>)));
        }
        if f.skip || gets_default(f) {
            bounds.push(bound(f, quote!(::core::default::Default)));
        }
    }
    DeserImplHead {
        wc: where_clause(&def.generics, bounds),
        params: impl_params(&generics),
        self_ty: self_ty(def),
        lints: allow_lints(),
        frame,
        metadata,
    }
}

/// The name of the local holding field number `k`.
pub(crate) fn field_var(k: usize) -> syn::Ident {
    quote::format_ident!("__v_{}", k)
}

/// `Ok(Self { .. })` from the `__v_k` variables of the fields that are not skipped
/// (see [`field_var`]); skipped fields get `Default`.
pub(crate) fn construct_from_field_vars(def: &StructDef) -> TokenStream {
    let mut k = 0;
    let inits = def.fields.iter().map(|f| {
        let ident = &f.ident;
        if f.skip {
            quote!(#ident: ::core::default::Default::default())
        } else {
            let v = field_var(k);
            k += 1;
            quote!(#ident: #v)
        }
    });
    quote!(::core::result::Result::Ok(Self { #( #inits, )* }))
}
