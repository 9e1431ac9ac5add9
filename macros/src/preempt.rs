//! `#[barista::task(preempt)]`: a yield at the top of every loop iteration,
//! as Go's scheduler would preempt a long-running goroutine, so that one
//! worker can switch between CPU-bound tasks.

use proc_macro2::Span;
use syn::visit_mut::{self, VisitMut};
use syn::{
    parse_quote_spanned, Block, ExprAsync, ExprClosure, ExprConst, ExprForLoop, ExprLoop,
    ExprWhile, Item,
};

/// Inserts `yield_inserted_by_preempt!();` first in every `loop`, `while`
/// and `for` body of an `async fn`'s `block`, wherever it can `.await`.
///
/// The yield is a macro of barista's, located at the `preempt` key: an error
/// about its `.await` (a `MutexGuard` held across it: "future is not `Send`")
/// then says "await occurs here" under `preempt` and "this error originates
/// in the macro `::barista::yield_inserted_by_preempt`", not only at the
/// attribute.
pub(crate) fn insert_yields(block: &mut Block, preempt_key: Span) {
    Preempt {
        can_await: true,
        preempt_key,
    }
    .visit_block_mut(block);
}

struct Preempt {
    /// Whether the code being visited runs in an async context.
    can_await: bool,
    preempt_key: Span,
}

impl Preempt {
    fn yield_first(&self, body: &mut Block) {
        if self.can_await {
            let key = self.preempt_key;
            let yield_point = parse_quote_spanned!(key=> ::barista::yield_inserted_by_preempt!(););
            body.stmts.insert(0, yield_point);
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
    use proc_macro2::{Delimiter, Group, Span, TokenStream};
    use quote::{quote, ToTokens};
    use syn::Block;

    fn block(statements: TokenStream) -> Block {
        syn::parse2(Group::new(Delimiter::Brace, statements).into_token_stream()).unwrap()
    }

    /// Runs the visitor on `body` and compares the result with `expected`.
    fn check(body: TokenStream, expected: TokenStream) {
        let mut visited = block(body);
        insert_yields(&mut visited, Span::call_site());
        let expected = block(expected);
        assert_eq!(
            visited.to_token_stream().to_string(),
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
                loop { ::barista::yield_inserted_by_preempt!(); a(); }
                while x { ::barista::yield_inserted_by_preempt!(); b(); }
                while let Some(y) = it.next() { ::barista::yield_inserted_by_preempt!(); c(y); }
                for i in 0..3 { ::barista::yield_inserted_by_preempt!(); d(i); }
            },
        );
    }

    #[test]
    fn labelled_and_empty_loops() {
        check(
            quote! { 'outer: loop {} },
            quote! { 'outer: loop { ::barista::yield_inserted_by_preempt!(); } },
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
                    ::barista::yield_inserted_by_preempt!();
                    if i > 1 {
                        while busy() { ::barista::yield_inserted_by_preempt!(); }
                    }
                    match i {
                        0 => loop { ::barista::yield_inserted_by_preempt!(); break },
                        _ => { let _ = { for _ in 0..i { ::barista::yield_inserted_by_preempt!(); } }; }
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
                let task = async move { loop { ::barista::yield_inserted_by_preempt!(); step().await; } };
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
                let f = || async { while x { ::barista::yield_inserted_by_preempt!(); } };
                let g = async || { loop { ::barista::yield_inserted_by_preempt!(); } };
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
                    loop { ::barista::yield_inserted_by_preempt!(); v.push(1); break v; }
                } {
                    ::barista::yield_inserted_by_preempt!();
                }
            },
        );
    }
}
