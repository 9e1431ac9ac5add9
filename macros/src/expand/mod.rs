//! Code generation, one module per attribute. Each reads its arguments and
//! its function, then emits the expansion followed by any errors.

mod main;
mod task;
mod test;

pub(crate) use self::main::main;
pub(crate) use self::task::task;
pub(crate) use self::test::test;

use proc_macro2::TokenStream;

use crate::errors::Errors;

/// `tokens`, then a `compile_error!` per error.
fn with_errors(mut tokens: TokenStream, errors: Errors) -> TokenStream {
    tokens.extend(errors.into_compile_errors());
    tokens
}

/// `Some(value)` or `None`, as an expression.
fn option(value: Option<impl quote::ToTokens>) -> TokenStream {
    value.map_or_else(
        || quote::quote!(::core::option::Option::None),
        |value| quote::quote!(::core::option::Option::Some(#value)),
    )
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    fn assert_tokens(actual: &TokenStream, expected: &TokenStream) {
        assert_eq!(actual.to_string(), expected.to_string());
    }

    #[test]
    fn main_keeps_the_return_type_and_inner_attributes() {
        let actual = super::main(
            quote!(workers = 2, chrome_trace = "t.json"),
            quote! {
                /// Doc.
                pub async fn main() -> Result<(), E> {
                    #![allow(unused)]
                    let x = 1;
                    Ok(())
                }
            },
        );
        let expected = quote! {
            /// Doc.
            pub fn main() -> Result<(), E> {
                #![allow(unused)]
                ::barista::__private::main_entry(
                    ::barista::__private::MainOptions {
                        workers: ::core::option::Option::Some(2),
                        timeline: false,
                        summary: false,
                        trace: true,
                        start_paused: false,
                        chrome_trace: ::core::option::Option::Some("t.json"),
                    },
                    async move {
                        let value: Result<(), E> = {
                            let x = 1;
                            Ok(())
                        };
                        value
                    }
                )
            }
        };
        assert_tokens(&actual, &expected);
    }

    #[test]
    fn main_with_impl_trait_output_is_not_annotated() {
        let actual = super::main(
            quote!(),
            quote!(
                async fn main() -> impl Sized {}
            ),
        );
        assert!(actual.to_string().contains("async move { }"), "{actual}");
    }

    #[test]
    fn main_with_bad_arguments_still_expands() {
        let actual = super::main(
            quote!(workers = 0),
            quote!(
                async fn main() {}
            ),
        )
        .to_string();
        assert!(actual.contains("main_entry"), "{actual}");
        assert!(actual.contains("compile_error"), "{actual}");
    }

    #[test]
    fn main_that_is_not_async_is_kept_as_written() {
        let actual = super::main(
            quote!(),
            quote!(
                fn main() {
                    run()
                }
            ),
        )
        .to_string();
        assert!(actual.starts_with("fn main () { run () }"), "{actual}");
        assert!(actual.contains("compile_error"), "{actual}");
    }

    #[test]
    fn test_sorts_attributes() {
        let actual = super::test(
            quote!(workers = [1, 2], seed = 7),
            quote! {
                /// Doc.
                #[should_panic]
                #[cfg(unix)]
                #[cfg_attr(miri, ignore)]
                async fn name() {}
            },
        );
        let expected = quote! {
            #[cfg(unix)]
            #[allow(clippy::unused_async)]
            /// Doc.
            async fn name() {}

            #[cfg(unix)]
            mod name {
                #[allow(dead_code)]
                static CASE: ::barista::__private::TestCase = ::barista::__private::TestCase {
                    name: ::core::module_path!(),
                    workers: &[1, 2],
                    repeat: 1,
                    seed: ::core::option::Option::Some(7),
                    start_paused: false,
                    timeout_ms: 60000,
                    total_timeout_ms: 600000,
                    results_only: false,
                    explore: ::core::option::Option::None,
                    package: ::core::env!("CARGO_PKG_NAME"),
                    body: || ::std::boxed::Box::pin(super::name()),
                    baseline: ::barista::__private::Baseline::new(),
                };

                #[::core::prelude::v1::test]
                #[should_panic]
                #[cfg_attr(miri, ignore)]
                pub(super) fn workers_1() {
                    ::barista::__private::run_test_case(&CASE, 1)
                }

                #[::core::prelude::v1::test]
                #[should_panic]
                #[cfg_attr(miri, ignore)]
                pub(super) fn workers_2() {
                    ::barista::__private::run_test_case(&CASE, 2)
                }
            }
        };
        assert_tokens(&actual, &expected);
    }

    #[test]
    fn test_with_a_test_attribute_drops_it_and_expands() {
        let actual = super::test(
            quote!(),
            quote!(
                #[tokio::test]
                async fn t() {}
            ),
        )
        .to_string();
        assert!(actual.contains("fn workers_4"), "{actual}");
        assert!(!actual.contains("tokio :: test ]"), "{actual}");
        assert!(actual.contains("remove #[tokio::test]"), "{actual}");
    }

    #[test]
    fn test_that_is_not_async_is_kept_without_test_attributes() {
        let actual = super::test(
            quote!(),
            quote!(
                #[ignore]
                fn t() {}
            ),
        )
        .to_string();
        assert!(
            actual.starts_with("# [allow (dead_code)] fn t () { }"),
            "{actual}"
        );
        assert!(!actual.contains("mod t"), "{actual}");
    }

    #[test]
    fn task_async_with_preempt() {
        let actual = super::task(
            quote!(preempt, twin),
            quote! {
                /// Doc.
                pub async fn take_order(&self) -> u32 {
                    loop {}
                }
            },
        );
        let expected = quote! {
            /// Doc.
            pub async fn take_order(&self) -> u32 {
                ::barista::__private::task_point("take_order").await;
                loop {
                    ::barista::yield_inserted_by_preempt!();
                }
            }
            #[doc = " Uninstrumented twin of [`take_order`](Self::take_order) generated by `#[barista::task]`, for comparing cost and behaviour."]
            #[doc = ""]
            /// Doc.
            #[allow(dead_code, clippy::unused_async)]
            pub async fn take_order_plain(&self) -> u32 {
                loop {}
            }
        };
        assert_tokens(&actual, &expected);
    }

    #[test]
    fn task_sync_with_name() {
        let actual = super::task(
            quote!(name = "grinder", twin),
            quote!(
                fn r#grind(x: u32) -> u32 {
                    x
                }
            ),
        );
        let expected = quote! {
            fn r#grind(x: u32) -> u32 {
                ::barista::__private::sync_task_point("grinder");
                x
            }
            #[doc = " Uninstrumented twin of [`grind`] generated by `#[barista::task]`, for comparing cost and behaviour."]
            #[allow(dead_code, clippy::unused_async)]
            fn grind_plain(x: u32) -> u32 {
                x
            }
        };
        assert_tokens(&actual, &expected);
    }

    #[test]
    fn task_preempt_on_sync_fn_expands_without_yields() {
        let actual = super::task(
            quote!(preempt),
            quote!(
                fn f() {
                    loop {}
                }
            ),
        )
        .to_string();
        assert!(actual.contains("sync_task_point"), "{actual}");
        assert!(!actual.contains("yield_inserted_by_preempt"), "{actual}");
        assert!(actual.contains("compile_error"), "{actual}");
    }

    #[test]
    fn task_without_twin_is_the_instrumented_function_alone() {
        let actual = super::task(
            quote!(),
            quote! {
                fn brew(&self) -> u32 {
                    1
                }
            },
        );
        let expected = quote! {
            fn brew(&self) -> u32 {
                ::barista::__private::sync_task_point("brew");
                1
            }
        };
        assert_tokens(&actual, &expected);
    }

    #[test]
    fn task_on_trait_method_with_default_body() {
        let actual = super::task(
            quote!(twin),
            quote!(
                async fn brew(&self) {}
            ),
        )
        .to_string();
        assert!(actual.contains("fn brew_plain"), "{actual}");
        let actual = super::task(quote!(twin), quote!(default fn brew(&self) {})).to_string();
        assert!(actual.contains("default fn brew_plain"), "{actual}");
    }
}
