//! The walk over the parsed file: each item, expression and macro whose
//! tokens or shape the token scan alone cannot judge.

use proc_macro2::{Ident, TokenStream};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use super::tokens::{
    check_attribute_name, forbidden_ident, renames, scan, shadows, ENV, ENV_IMPORT, EXTERN_BLOCK,
    EXTERN_CRATE, INNER_ATTRIBUTE, OUT_OF_LINE,
};
use super::{shadowable, Found};

/// The std macros the tests use, which take plain expressions: their input
/// is checked as code (so `println!("{}", std::env::args().count())` is
/// fine). A submission cannot redefine them (see [`SHADOWABLE`]).
pub(super) fn trusted_macro(path: &syn::Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let last = match names.as_slice() {
        [last] if path.leading_colon.is_none() => last,
        [root, last] if matches!(root.as_str(), "std" | "core" | "alloc") => last,
        _ => return false,
    };
    last != "exercise" && shadowable(last)
}

/// The syn side: the file's structure, and every token stream syn keeps
/// unparsed (macro input and bodies, attribute arguments, verbatim items)
/// scanned strictly.
pub(super) struct Checker<'f> {
    pub(super) found: &'f mut Found,
}

impl Checker<'_> {
    fn raw(&mut self, tokens: &TokenStream) {
        scan(tokens, true, self.found);
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        for attr in &file.attrs {
            self.found.at(attr.span(), INNER_ATTRIBUTE);
        }
        visit::visit_file(self, file);
    }

    fn visit_ident(&mut self, ident: &'ast Ident) {
        if let Some(why) = forbidden_ident(&ident.unraw().to_string()) {
            self.found.at(ident.span(), why);
        }
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let args = match &attr.meta {
            syn::Meta::List(list) => Some(&list.tokens),
            _ => None,
        };
        for segment in &attr.path().segments {
            check_attribute_name(&segment.ident, args, self.found);
        }
        visit::visit_attribute(self, attr);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        self.raw(&list.tokens);
        visit::visit_meta_list(self, list);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_none() {
            self.found.at(item.mod_token.span, OUT_OF_LINE);
        }
        visit::visit_item_mod(self, item);
    }

    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        self.found.at(item.extern_token.span, EXTERN_CRATE);
        visit::visit_item_extern_crate(self, item);
    }

    fn visit_item_foreign_mod(&mut self, item: &'ast syn::ItemForeignMod) {
        self.found.at(item.abi.extern_token.span, EXTERN_BLOCK);
        visit::visit_item_foreign_mod(self, item);
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if item.mac.path.is_ident("macro_rules") {
            if let Some(name) = &item.ident {
                let name = name.unraw().to_string();
                if shadowable(&name) {
                    self.found.at(item.mac.path.span(), shadows(&name));
                }
            }
        }
        visit::visit_item_macro(self, item);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(last) = mac.path.segments.last() {
            if last.ident.unraw() == "env" {
                self.found.at(last.ident.span(), ENV);
            }
        }
        visit::visit_macro(self, mac);
        if trusted_macro(&mac.path) {
            let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            // `vec![value; count]`.
            let repeat = |input: syn::parse::ParseStream| -> syn::Result<Vec<syn::Expr>> {
                let value = input.parse()?;
                input.parse::<syn::Token![;]>()?;
                Ok(vec![value, input.parse()?])
            };
            let args = match mac.parse_body_with(parser) {
                Ok(args) => Some(args.into_iter().collect()),
                Err(_) => mac.parse_body_with(repeat).ok(),
            };
            if let Some(args) = args {
                for arg in &args {
                    self.visit_expr(arg);
                }
                return;
            }
        }
        self.raw(&mac.tokens);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        match tree {
            syn::UseTree::Name(name) if name.ident.unraw() == "env" => {
                self.found.at(name.ident.span(), ENV_IMPORT);
            }
            syn::UseTree::Rename(rename) => {
                if rename.ident.unraw() == "env" {
                    self.found.at(rename.ident.span(), ENV_IMPORT);
                }
                let new_name = rename.rename.unraw().to_string();
                if shadowable(&new_name) {
                    self.found.at(rename.rename.span(), renames(&new_name));
                }
            }
            _ => {}
        }
        visit::visit_use_tree(self, tree);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if let syn::Item::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_item(self, item);
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        if let syn::Expr::Verbatim(tokens) = expr {
            self.raw(tokens);
        }
        visit::visit_expr(self, expr);
    }

    fn visit_pat(&mut self, pat: &'ast syn::Pat) {
        if let syn::Pat::Verbatim(tokens) = pat {
            self.raw(tokens);
        }
        visit::visit_pat(self, pat);
    }

    fn visit_type(&mut self, ty: &'ast syn::Type) {
        if let syn::Type::Verbatim(tokens) = ty {
            self.raw(tokens);
        }
        visit::visit_type(self, ty);
    }

    fn visit_type_param_bound(&mut self, bound: &'ast syn::TypeParamBound) {
        if let syn::TypeParamBound::Verbatim(tokens) = bound {
            self.raw(tokens);
        }
        visit::visit_type_param_bound(self, bound);
    }

    fn visit_foreign_item(&mut self, item: &'ast syn::ForeignItem) {
        if let syn::ForeignItem::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_foreign_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_impl_item(self, item);
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        if let syn::TraitItem::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_trait_item(self, item);
    }
}
