//! What the learner's terminal may be sent, decided in one place: colours,
//! hyperlinks (OSC 8) and screen control (clearing, moving the cursor)
//! only on a terminal, and none of them under `NO_COLOR`
//! (<https://no-color.org>) or `TERM=dumb`. Text from the learner's
//! program is made printable first ([`crate::text::printable`]), whatever
//! the terminal.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::Path;

/// What may be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terminal {
    pub colors: bool,
    pub links: bool,
    pub screen: bool,
}

impl Terminal {
    /// For an output that is a terminal or not, as the environment says.
    #[must_use]
    pub fn of(is_terminal: bool) -> Terminal {
        Terminal::from(
            is_terminal,
            std::env::var_os("NO_COLOR"),
            std::env::var_os("TERM"),
        )
    }

    fn from(is_terminal: bool, no_color: Option<OsString>, term: Option<OsString>) -> Terminal {
        let plain = no_color.is_some_and(|v| !v.is_empty()) || term.is_some_and(|t| t == "dumb");
        let rich = is_terminal && !plain;
        Terminal {
            colors: rich,
            links: rich,
            screen: rich,
        }
    }

    /// `shown`, linking to the file at `path` where links may be sent.
    #[must_use]
    pub fn file_link(self, path: &Path, shown: &str) -> String {
        if !self.links {
            return shown.to_string();
        }
        format!("\x1b]8;;{}\x1b\\{shown}\x1b]8;;\x1b\\", file_url(path))
    }
}

/// A `file://` URL of an absolute path, each byte outside the characters a
/// URL path may hold percent-encoded (RFC 3986): a space, `#`, `?`, `%` or
/// an escape character cannot end or break the link.
#[must_use]
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(byte as char);
        } else {
            let _ = write!(url, "%{byte:02X}");
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_and_a_dumb_terminal_get_plain_text() {
        let rich = Terminal::from(true, None, Some("xterm-256color".into()));
        assert!(rich.colors && rich.links && rich.screen);
        for (no_color, term) in [
            (Some("1"), None),
            (None, Some("dumb")),
            (Some("x"), Some("dumb")),
        ] {
            let plain = Terminal::from(true, no_color.map(Into::into), term.map(Into::into));
            assert!(
                !plain.colors && !plain.links && !plain.screen,
                "{no_color:?} {term:?}"
            );
        }
        // NO_COLOR set but empty does not count (no-color.org).
        assert!(Terminal::from(true, Some("".into()), None).colors);
        assert!(!Terminal::from(false, None, None).links, "piped: plain");
    }

    #[test]
    fn a_link_is_percent_encoded_and_only_where_links_may_go() {
        let path = Path::new("/home/a b/#1/ex%01\x1b.rs");
        assert_eq!(file_url(path), "file:///home/a%20b/%231/ex%2501%1B.rs");
        let rich = Terminal::from(true, None, None);
        assert_eq!(
            rich.file_link(path, "shown"),
            "\x1b]8;;file:///home/a%20b/%231/ex%2501%1B.rs\x1b\\shown\x1b]8;;\x1b\\"
        );
        let plain = Terminal::from(true, None, Some("dumb".into()));
        assert_eq!(plain.file_link(path, "shown"), "shown");
    }
}
