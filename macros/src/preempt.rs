//! `#[barista::task(preempt)]`: a yield at the top of every loop iteration,
//! as Go's scheduler would preempt a long-running goroutine, so that one
//! worker can switch between CPU-bound tasks.

use syn::visit_mut::{self, VisitMut};
use syn::{
    parse_quote, Block, ExprAsync, ExprClosure, ExprConst, ExprForLoop, ExprLoop, ExprWhile, Item,
};

/// Inserts `yield_now().await;` first in every `loop`, `while` and `for`
/// body of an `async fn`'s `block`, wherever it can `.await`.
pub(crate) fn insert_yields(block: &mut Block) {
    Preempt { can_await: true }.visit_block_mut(block);
}

struct Preempt {
    /// Whether the code being visited runs in an async context.
    can_await: bool,
}

impl Preempt {
    fn yield_first(&self, body: &mut Block) {
        if self.can_await {
            body.stmts
                .insert(0, parse_quote!(::barista::__private::yield_now().await;));
        }
    }

    fn visit_in(&mut self, can_await: bool, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.can_await, can_await);
        visit(self);
        self.can_await = outer;
    }
}

impl VisitMut for Preempt {
    fn visit_expr_loop_mut(&mut self, expr: &mut ExprLoop) {
        visit_mut::visit_expr_loop_mut(self, expr);
        self.yield_first(&mut expr.body);
    }

    fn visit_expr_while_mut(&mut self, expr: &mut ExprWhile) {
        visit_mut::visit_expr_while_mut(self, expr);
        self.yield_first(&mut expr.body);
    }

    fn visit_expr_for_loop_mut(&mut self, expr: &mut ExprForLoop) {
        visit_mut::visit_expr_for_loop_mut(self, expr);
        self.yield_first(&mut expr.body);
    }

    // A closure cannot `.await`, unless it is an `async` closure...
    fn visit_expr_closure_mut(&mut self, expr: &mut ExprClosure) {
        let can_await = expr.asyncness.is_some();
        self.visit_in(can_await, |v| visit_mut::visit_expr_closure_mut(v, expr));
    }

    // ...but an `async` block can, even inside a closure.
    fn visit_expr_async_mut(&mut self, expr: &mut ExprAsync) {
        self.visit_in(true, |v| visit_mut::visit_expr_async_mut(v, expr));
    }

    // A nested item is another function, not this task's code.
    fn visit_item_mut(&mut self, _: &mut Item) {}

    // A `const` block runs at compile time.
    fn visit_expr_const_mut(&mut self, _: &mut ExprConst) {}
}

#[cfg(test)]
mod tests {
    use super::insert_yields;
    use quote::{quote, ToTokens};
    use syn::Block;

    /// Runs the visitor on `body` and compares the result with `expected`.
    fn check(body: proc_macro2::TokenStream, expected: proc_macro2::TokenStream) {
        let mut block: Block = syn::parse2(quote!({ #body })).unwrap();
        insert_yields(&mut block);
        let expected: Block = syn::parse2(quote!({ #expected })).unwrap();
        assert_eq!(
            block.to_token_stream().to_string(),
            expected.to_token_stream().to_string()
        );
    }

    #[test]
    fn every_kind_of_loop() {
        check(
            quote! {
                loop { a(); }
                while x { b(); }
                while let Some(y) = it.next() { c(y); }
                for i in 0..3 { d(i); }
            },
            quote! {
                loop { ::barista::__private::yield_now().await; a(); }
                while x { ::barista::__private::yield_now().await; b(); }
                while let Some(y) = it.next() { ::barista::__private::yield_now().await; c(y); }
                for i in 0..3 { ::barista::__private::yield_now().await; d(i); }
            },
        );
    }

    #[test]
    fn labelled_and_empty_loops() {
        check(
            quote! { 'outer: loop {} },
            quote! { 'outer: loop { ::barista::__private::yield_now().await; } },
        );
    }

    #[test]
    fn nested_loops_and_blocks() {
        check(
            quote! {
                for i in 0..3 {
                    if i > 1 {
                        while busy() {}
                    }
                    match i {
                        0 => loop { break },
                        _ => { let _ = { for _ in 0..i {} }; }
                    }
                }
            },
            quote! {
                for i in 0..3 {
                    ::barista::__private::yield_now().await;
                    if i > 1 {
                        while busy() { ::barista::__private::yield_now().await; }
                    }
                    match i {
                        0 => loop { ::barista::__private::yield_now().await; break },
                        _ => { let _ = { for _ in 0..i { ::barista::__private::yield_now().await; } }; }
                    }
                }
            },
        );
    }

    #[test]
    fn loops_in_async_blocks() {
        check(
            quote! {
                let task = async move { loop { step().await; } };
            },
            quote! {
                let task = async move { loop { ::barista::__private::yield_now().await; step().await; } };
            },
        );
    }

    #[test]
    fn not_in_closures() {
        let body = quote! {
            let f = |n| { for i in 0..n { work(i); } };
            let g = move || loop { break };
        };
        check(body.clone(), body);
    }

    #[test]
    fn in_async_blocks_and_async_closures_inside_closures() {
        check(
            quote! {
                let f = || async { while x {} };
                let g = async || { loop {} };
            },
            quote! {
                let f = || async { while x { ::barista::__private::yield_now().await; } };
                let g = async || { loop { ::barista::__private::yield_now().await; } };
            },
        );
    }

    #[test]
    fn not_in_nested_items_or_const_blocks() {
        let body = quote! {
            fn helper() { loop {} }
            impl Foo { fn bar() { for _ in 0..1 {} } }
            mod m { fn f() { while true {} } }
            const N: usize = { let mut i = 0; while i < 3 { i += 1; } i };
            let n = const { let mut i = 0; while i < 3 { i += 1; } i };
        };
        check(body.clone(), body);
    }

    #[test]
    fn loops_in_loop_headers() {
        check(
            quote! {
                for x in { let mut v = vec![]; loop { v.push(1); break v; } } {}
            },
            quote! {
                for x in {
                    let mut v = vec![];
                    loop { ::barista::__private::yield_now().await; v.push(1); break v; }
                } {
                    ::barista::__private::yield_now().await;
                }
            },
        );
    }
}
