//! A force's brand colours for its mirror (`site.yaml` `brand.colours`): the tokens a site may
//! set, their contrast checks against the default theme's backgrounds (WCAG 2.2 AA), and the
//! `static/brand.css` written from them.
//!
//! Tokens are CSS custom properties of the default theme (see docs/THEMES.md). `brand`,
//! `brand-text` and `focus` apply in light and dark mode alike; `link`, `link-visited` and
//! `accent` apply in light mode; `dark-link`, `dark-link-visited` and `dark-accent` in dark mode.

/// A colour token a site may set, what it is for, and the contrast it needs.
pub struct Token {
    pub name: &'static str,
    pub default: &'static str,
    /// Colours it is read against, with the minimum contrast ratio.
    pub against: &'static [(&'static str, &'static str, f64)],
}

/// Light-mode page background and panel (TOC, tables) of the default theme.
const BG: &str = "#ffffff";
const PANEL: &str = "#f3f2f1";
/// Dark-mode page background and panel.
const DARK_BG: &str = "#121416";
const DARK_PANEL: &str = "#1f2326";

pub const TOKENS: &[Token] = &[
    Token {
        name: "brand",
        default: "#003078",
        against: &[],
    },
    Token {
        name: "brand-text",
        default: "#ffffff",
        against: &[("brand", "", 4.5)],
    },
    Token {
        name: "focus",
        default: "#ffdd00",
        against: &[],
    },
    Token {
        name: "link",
        default: "#1d4f91",
        against: &[("", BG, 4.5), ("", PANEL, 4.5)],
    },
    Token {
        name: "link-visited",
        default: "#4c2c92",
        against: &[("", BG, 4.5), ("", PANEL, 4.5)],
    },
    Token {
        name: "accent",
        default: "#1d4f91",
        against: &[("", BG, 3.0)],
    },
    Token {
        name: "dark-link",
        default: "#8ab8ff",
        against: &[("", DARK_BG, 4.5), ("", DARK_PANEL, 4.5)],
    },
    Token {
        name: "dark-link-visited",
        default: "#c6a8ff",
        against: &[("", DARK_BG, 4.5), ("", DARK_PANEL, 4.5)],
    },
    Token {
        name: "dark-accent",
        default: "#8ab8ff",
        against: &[("", DARK_BG, 3.0)],
    },
];

pub fn token(name: &str) -> Option<&'static Token> {
    TOKENS.iter().find(|t| t.name == name)
}

/// Parses `#rgb` or `#rrggbb`.
pub fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#')?;
    if !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = |t: &str| u8::from_str_radix(t, 16).ok();
    match h.len() {
        3 => {
            let d: Vec<u8> = h.chars().filter_map(|c| v(&format!("{c}{c}"))).collect();
            Some([d[0], d[1], d[2]])
        }
        6 => Some([v(&h[0..2])?, v(&h[2..4])?, v(&h[4..6])?]),
        _ => None,
    }
}

fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let c = |x: u8| {
        let s = f64::from(x) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * c(r) + 0.7152 * c(g) + 0.0722 * c(b)
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A contrast failure: the token is read against `other` at `ratio`, below `needed`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContrastProblem {
    pub token: String,
    pub other: String,
    pub ratio: f64,
    pub needed: f64,
}

/// Checks every token's contrast, using the site's colours where set and the theme's
/// defaults otherwise.
pub fn contrast_problems(
    colours: &std::collections::BTreeMap<String, String>,
) -> Vec<ContrastProblem> {
    let value = |name: &str| {
        colours
            .get(name)
            .map(String::as_str)
            .or_else(|| token(name).map(|t| t.default))
            .and_then(parse_hex)
    };
    let mut out = Vec::new();
    for t in TOKENS {
        let Some(fg) = value(t.name) else { continue };
        for (other_token, fixed, needed) in t.against {
            // Only a pair the site changed can fail: the defaults are known to pass.
            if !colours.contains_key(t.name) && !colours.contains_key(*other_token) {
                continue;
            }
            let (other_name, bg) = if other_token.is_empty() {
                (fixed.to_string(), parse_hex(fixed))
            } else {
                (format!("`{other_token}`"), value(other_token))
            };
            let Some(bg) = bg else { continue };
            let ratio = contrast(fg, bg);
            if ratio + 1e-9 < *needed {
                out.push(ContrastProblem {
                    token: t.name.to_string(),
                    other: other_name,
                    ratio,
                    needed: *needed,
                });
            }
        }
    }
    out
}

/// `static/brand.css`: the site's colours as custom properties, each in the colour scheme it
/// belongs to. Only validated tokens reach here (config parsing drops the rest).
pub fn stylesheet(colours: &std::collections::BTreeMap<String, String>) -> String {
    let mut both = String::new();
    let mut light = String::new();
    let mut dark = String::new();
    for (k, v) in colours {
        if token(k).is_none() || parse_hex(v).is_none() {
            continue;
        }
        if let Some(base) = k.strip_prefix("dark-") {
            dark.push_str(&format!("    --{base}: {v};\n"));
        } else if matches!(k.as_str(), "brand" | "brand-text" | "focus") {
            both.push_str(&format!("  --{k}: {v};\n"));
        } else {
            light.push_str(&format!("    --{k}: {v};\n"));
        }
    }
    let mut css = String::from("/* The site's brand colours (site.yaml `brand.colours`). */\n");
    if !both.is_empty() {
        css.push_str(&format!(":root {{\n{both}}}\n"));
    }
    if !light.is_empty() {
        css.push_str(&format!(
            "@media (prefers-color-scheme: light) {{\n  :root {{\n{light}  }}\n}}\n@media print {{\n  :root {{\n{light}  }}\n}}\n"
        ));
    }
    if !dark.is_empty() {
        css.push_str(&format!(
            "@media screen and (prefers-color-scheme: dark) {{\n  :root {{\n{dark}  }}\n}}\n"
        ));
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 0.01);
        // #767676 on white is the well-known 4.54:1 grey.
        let r = contrast(parse_hex("#767676").unwrap(), parse_hex("#fff").unwrap());
        assert!((r - 4.54).abs() < 0.01, "{r}");
    }

    #[test]
    fn defaults_pass_their_own_checks() {
        let all: BTreeMap<String, String> = TOKENS
            .iter()
            .map(|t| (t.name.to_string(), t.default.to_string()))
            .collect();
        assert_eq!(contrast_problems(&all), vec![]);
    }

    #[test]
    fn a_pale_brand_under_white_text_fails() {
        let c: BTreeMap<String, String> = [("brand".to_string(), "#f4c2c2".to_string())].into();
        let p = contrast_problems(&c);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].token, "brand-text");
        assert!(p[0].ratio < 2.0);
    }

    #[test]
    fn stylesheet_puts_tokens_in_their_scheme() {
        let c: BTreeMap<String, String> = [
            ("brand".to_string(), "#5b2c83".to_string()),
            ("link".to_string(), "#5b2c83".to_string()),
            ("dark-link".to_string(), "#d7b8ff".to_string()),
        ]
        .into();
        let css = stylesheet(&c);
        assert!(css.contains(":root {\n  --brand: #5b2c83;\n}"), "{css}");
        assert!(
            css.contains("(prefers-color-scheme: light) {\n  :root {\n    --link: #5b2c83;"),
            "{css}"
        );
        assert!(
            css.contains("(prefers-color-scheme: dark) {\n  :root {\n    --link: #d7b8ff;"),
            "{css}"
        );
    }
}
