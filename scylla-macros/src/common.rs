//! Pieces shared by the four code generators.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Generics, Lifetime, LifetimeParam, LitStr, WhereClause, WherePredicate};

use crate::attrs::{FieldDef, StructDef};

/// The where clause of the user's struct, extended with `extra` predicates.
pub(crate) fn where_clause(generics: &Generics, extra: Vec<TokenStream>) -> WhereClause {
    let mut wc = generics.where_clause.clone().unwrap_or_else(|| WhereClause {
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
    quote_spanned!(ty.span()=> #ty: #bound)
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
    let declared = |name: &str| {
        def.generics
            .lifetimes()
            .any(|l| l.lifetime.ident == name)
    };
    let frame_declared = declared("frame");
    let metadata_declared = declared("metadata");
    let frame = if frame_declared {
        Lifetime::new("'frame", Span::call_site())
    } else {
        Lifetime::new("'__scylla_frame", Span::call_site())
    };
    let metadata = if metadata_declared {
        Lifetime::new("'metadata", Span::call_site())
    } else {
        Lifetime::new("'__scylla_metadata", Span::call_site())
    };
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
        #[allow(clippy::all)]
    }
}
