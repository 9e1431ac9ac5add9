//! The function an attribute is written on: read, and its signature checked.

use proc_macro2::{TokenStream, TokenTree};
use quote::{quote, ToTokens};
use syn::{ImplItemFn, Item, ReturnType, Signature, TraitItemFn, Type, Visibility};

use crate::errors::Errors;

/// Reads a free function, a method or a trait method with a body.
///
/// Every kind becomes an [`ImplItemFn`]: it prints as any of them would
/// (attributes, visibility, signature, block with inner attributes), so the
/// expansions need not care where the function was written.
pub(crate) fn parse_fn(item: TokenStream, attr: &str, expected: &str) -> syn::Result<ImplItemFn> {
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(f)) => {
            return Ok(ImplItemFn {
                attrs: f.attrs,
                vis: f.vis,
                defaultness: None,
                sig: f.sig,
                block: *f.block,
            })
        }
        Ok(Item::Verbatim(_)) | Err(_) => {}
        Ok(other) => {
            let (kind, head) = describe(&other);
            let msg = format!("{attr} goes on {expected}, not on {kind}");
            return Err(syn::Error::new_spanned(head, msg));
        }
    }
    // Not an item: a `default fn` in an impl, or a trait method.
    if let Ok(f) = syn::parse2::<ImplItemFn>(item.clone()) {
        return Ok(f);
    }
    match syn::parse2::<TraitItemFn>(item.clone()) {
        Ok(TraitItemFn {
            attrs,
            sig,
            default: Some(block),
            ..
        }) => Ok(ImplItemFn {
            attrs,
            vis: Visibility::Inherited,
            defaultness: None,
            sig,
            block,
        }),
        Ok(TraitItemFn {
            sig,
            semi_token,
            default: None,
            ..
        }) => {
            let msg = format!("{attr} needs a function body: put it on the function's definition, not on its declaration");
            Err(syn::Error::new_spanned(quote!(#sig #semi_token), msg))
        }
        Err(_) => Err(syn::Error::new_spanned(
            item,
            format!("{attr} goes on {expected}"),
        )),
    }
}

/// What an item is, and the tokens that name it (keyword and name), to point at.
fn describe(item: &Item) -> (&'static str, TokenStream) {
    fn head(keyword: &dyn ToTokens, name: &dyn ToTokens) -> TokenStream {
        quote!(#keyword #name)
    }
    match item {
        Item::Struct(i) => ("a struct", head(&i.struct_token, &i.ident)),
        Item::Enum(i) => ("an enum", head(&i.enum_token, &i.ident)),
        Item::Union(i) => ("a union", head(&i.union_token, &i.ident)),
        Item::Trait(i) => ("a trait", head(&i.trait_token, &i.ident)),
        Item::TraitAlias(i) => ("a trait alias", head(&i.trait_token, &i.ident)),
        Item::Impl(i) => ("an impl block", head(&i.impl_token, &i.self_ty)),
        Item::Mod(i) => ("a module", head(&i.mod_token, &i.ident)),
        Item::Const(i) => ("a constant", head(&i.const_token, &i.ident)),
        Item::Static(i) => ("a static", head(&i.static_token, &i.ident)),
        Item::Type(i) => ("a type alias", head(&i.type_token, &i.ident)),
        Item::ForeignMod(i) => ("an `extern` block", i.abi.to_token_stream()),
        Item::Use(i) => ("a `use` declaration", i.to_token_stream()),
        Item::ExternCrate(i) => ("an `extern crate`", i.to_token_stream()),
        Item::Macro(i) => ("a macro", head(&i.mac.path, &i.mac.bang_token)),
        other => ("this item", other.to_token_stream()),
    }
}

/// The checks `#[barista::main]` and `#[barista::test]` share: they run an
/// `async fn` with no parameters, so nothing else fits in the signature.
pub(crate) fn check_entry_signature(
    sig: &Signature,
    attr: &str,
    params: &str,
    errors: &mut Errors,
) {
    if let Some(token) = &sig.constness {
        errors.push(syn::Error::new(
            token.span,
            format!("{attr} function cannot be `const`"),
        ));
    }
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span,
            format!("{attr} needs an `async fn`: add `async` before `fn`"),
        ));
    }
    if let Some(token) = &sig.unsafety {
        errors.push(syn::Error::new(
            token.span,
            format!("{attr} function cannot be `unsafe`"),
        ));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(
            abi,
            format!("{attr} function cannot be `extern`"),
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            format!("{attr} function cannot be generic"),
        ));
    }
    if let Some(clause) = &sig.generics.where_clause {
        errors.push(syn::Error::new_spanned(
            clause,
            format!("{attr} function cannot have a `where` clause"),
        ));
    }
    if !sig.inputs.is_empty() || sig.variadic.is_some() {
        let variadic = &sig.variadic;
        let inputs = &sig.inputs;
        errors.push(syn::Error::new_spanned(quote!(#inputs #variadic), params));
    }
}

/// `-> ()`, written or not.
pub(crate) fn returns_unit(output: &ReturnType) -> bool {
    match output {
        ReturnType::Default => true,
        ReturnType::Type(_, ty) => matches!(&**ty, Type::Tuple(t) if t.elems.is_empty()),
    }
}

/// Whether `word` appears in `tokens`, say `impl` in a type.
pub(crate) fn mentions(tokens: &impl ToTokens, word: &str) -> bool {
    fn scan(tokens: TokenStream, word: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == word,
            TokenTree::Group(group) => scan(group.stream(), word),
            _ => false,
        })
    }
    scan(tokens.to_token_stream(), word)
}
