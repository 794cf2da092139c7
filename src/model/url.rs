//! Output paths and relative URLs. Every internal URL Waymark writes is relative, so the
//! output works under any sub-path and, with `portable`, opened straight from disk.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Characters escaped in a URL path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'\'')
    .add(b'&')
    .add(b';')
    .add(b'=')
    .add(b'+')
    .add(b'$')
    .add(b',');

/// A page-like output's location: its id-style path ("" for the root, "tags/x" ...).
/// Pages are written as `<path>/index.html` so URLs stay pretty.
pub fn output_file(path: &str) -> String {
    if path.is_empty() {
        "index.html".into()
    } else {
        format!("{path}/index.html")
    }
}

/// Number of folders between a page's output file and the site root.
pub fn depth(path: &str) -> usize {
    if path.is_empty() {
        0
    } else {
        path.split('/').count()
    }
}

/// Prefix that leads from a page at `from` back to the site root ("", "../", "../../").
pub fn root_prefix(from: &str) -> String {
    "../".repeat(depth(from))
}

fn encode_path(p: &str) -> String {
    p.split('/')
        .map(|s| utf8_percent_encode(s, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Why a file name or id cannot become part of the site, if it cannot: a control character
/// (a line break in a name can forge lines in reports and CI annotations), or a character
/// that Windows file shares and many servers cannot hold (a mirror may be copied to one).
/// Spaces, Unicode and other punctuation are fine: URLs are percent-encoded.
pub fn path_problem(p: &str) -> Option<String> {
    for c in p.chars() {
        if c.is_control() {
            return Some(format!(
                "holds a control character (U+{:04X}), such as a line break or tab",
                c as u32
            ));
        }
        if matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
            return Some(format!(
                "holds `{c}`, which Windows file shares and many web servers cannot hold"
            ));
        }
    }
    None
}

/// Relative URL from the page at `from` to the page at `to`, with an optional anchor.
pub fn page_href(from: &str, to: &str, anchor: Option<&str>, portable: bool) -> String {
    let mut h = root_prefix(from);
    if !to.is_empty() {
        h.push_str(&encode_path(to));
        h.push('/');
    }
    if portable {
        h.push_str("index.html");
    } else if h.is_empty() {
        h.push_str("./");
    }
    if let Some(a) = anchor {
        h.push('#');
        h.push_str(&utf8_percent_encode(a, SEGMENT).to_string());
    }
    h
}

/// Relative URL from the page at `from` to a file at `file` (a path under the output root).
pub fn file_href(from: &str, file: &str) -> String {
    format!("{}{}", root_prefix(from), encode_path(file))
}

/// Absolute URL for the sitemap and feed, when `base_url` is set.
pub fn absolute(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path.is_empty() {
        format!("{base}/")
    } else {
        format!("{base}/{}/", encode_path(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls() {
        assert_eq!(page_href("", "guidance/x", None, false), "guidance/x/");
        assert_eq!(page_href("guidance/x", "", None, false), "../../");
        assert_eq!(page_href("", "", None, false), "./");
        assert_eq!(page_href("a/b", "a/c", Some("h"), false), "../../a/c/#h");
        assert_eq!(page_href("a", "b c", None, true), "../b%20c/index.html");
        assert_eq!(
            file_href("a/b", "static/style.css"),
            "../../static/style.css"
        );
    }

    #[test]
    fn path_problems() {
        assert_eq!(path_problem("guidance/stalking (draft) $1 ünï.md"), None);
        assert!(path_problem("a\nb.md").unwrap().contains("U+000A"));
        assert!(path_problem("a|b.md").unwrap().contains("`|`"));
        assert!(path_problem("a\\b.md").unwrap().contains("`\\`"));
    }
}
