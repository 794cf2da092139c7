//! Themes: tera templates and static assets. The default theme is compiled into the binary
//! so any site builds without copying it; a site's own `themes/<name>/` replaces it, and
//! single templates in the site's `templates/` override the theme's (SPEC §10).

use crate::diag::Diagnostic;
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static DEFAULT_THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub const CHECK: &str = "template";

/// Where a static file comes from.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

pub struct Theme {
    tera: tera::Tera,
    /// Template sources by name, for the search results page servers render (`index::page`).
    sources: Vec<(String, String)>,
    /// Static files by output path (`static/style.css`), theme first, site files overriding.
    pub static_files: Vec<(String, StaticSource)>,
    /// Files the theme was read from, for the dev server's watcher.
    pub watched: Vec<PathBuf>,
}

fn read_dir_files(dir: &Path, ext: Option<&str>) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !e.file_type().is_file() {
            continue;
        }
        let name = e.file_name().to_string_lossy();
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if let Some(x) = ext
            && !name.ends_with(x)
        {
            continue;
        }
        if let Ok(rel) = e.path().strip_prefix(dir) {
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, e.path().to_path_buf()));
        }
    }
    out
}

fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

impl Theme {
    /// Loads the theme `name` for the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let theme_dir = root.join("themes").join(name);
        let mut templates: Vec<(String, String)> = Vec::new();
        let mut statics: Vec<(String, StaticSource)> = Vec::new();
        let mut watched = Vec::new();
        let mut diags = Vec::new();
        if theme_dir.join("templates").is_dir() {
            for (rel, path) in read_dir_files(&theme_dir.join("templates"), Some(".html")) {
                match std::fs::read_to_string(&path) {
                    Ok(t) => templates.push((rel, t)),
                    Err(e) => diags.push(Diagnostic::error(
                        CHECK,
                        format!("cannot read template {}: {e}", path.display()),
                    )),
                }
            }
            for (rel, path) in read_dir_files(&theme_dir.join("static"), None) {
                statics.push((format!("static/{rel}"), StaticSource::Disk(path)));
            }
            watched.push(theme_dir.clone());
        } else if name == "default" {
            fn walk(d: &'static Dir<'static>, out: &mut Vec<&'static include_dir::File<'static>>) {
                out.extend(d.files());
                for sub in d.dirs() {
                    walk(sub, out);
                }
            }
            let mut files = Vec::new();
            if let Some(dir) = DEFAULT_THEME.get_dir("templates") {
                walk(dir, &mut files);
            }
            for f in files.drain(..) {
                let rel = f.path().strip_prefix("templates").unwrap_or(f.path());
                let rel = rel.to_string_lossy().to_string();
                if let Some(t) = f.contents_utf8() {
                    templates.push((rel, t.to_string()));
                }
            }
            if let Some(dir) = DEFAULT_THEME.get_dir("static") {
                walk(dir, &mut files);
            }
            for f in files {
                let rel = f.path().to_string_lossy().to_string();
                statics.push((rel, StaticSource::Embedded(f.contents())));
            }
        } else {
            return Err(vec![
                Diagnostic::error(
                    CHECK,
                    format!("theme `{name}` not found: there is no folder themes/{name}/templates"),
                )
                .help("set `theme: default` in site.yaml, or add the theme's folder"),
            ]);
        }
        // Site-level overrides of single templates.
        let site_templates = root.join("templates");
        for (rel, path) in read_dir_files(&site_templates, Some(".html")) {
            match std::fs::read_to_string(&path) {
                Ok(t) => {
                    templates.retain(|(n, _)| *n != rel);
                    templates.push((rel, t));
                }
                Err(e) => diags.push(Diagnostic::error(
                    CHECK,
                    format!("cannot read template {}: {e}", path.display()),
                )),
            }
        }
        if site_templates.is_dir() {
            watched.push(site_templates);
        }
        for (rel, path) in read_dir_files(&root.join("static"), None) {
            let out = format!("static/{rel}");
            statics.retain(|(n, _)| *n != out);
            statics.push((out, StaticSource::Disk(path)));
        }
        if root.join("static").is_dir() {
            watched.push(root.join("static"));
        }
        statics.sort_by(|a, b| a.0.cmp(&b.0));
        templates.sort_by(|a, b| a.0.cmp(&b.0));
        let tera = match new_tera(&templates) {
            Ok(t) => Some(t),
            Err(e) => {
                diags.push(
                    Diagnostic::error(CHECK, format!("template error: {e}"))
                        .help("fix the template syntax"),
                );
                None
            }
        };
        match tera {
            Some(tera) if diags.is_empty() => Ok(Theme {
                tera,
                sources: templates,
                static_files: statics,
                watched,
            }),
            _ => Err(diags),
        }
    }

    /// A theme of templates only (no static files), as saved by [`Theme::template_sources`].
    pub fn from_templates(templates: Vec<(String, String)>) -> Result<Theme, String> {
        Ok(Theme {
            tera: new_tera(&templates)?,
            sources: templates,
            static_files: Vec::new(),
            watched: Vec::new(),
        })
    }

    /// Every template's name and source, sorted by name.
    pub fn template_sources(&self) -> &[(String, String)] {
        &self.sources
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera.render(name, ctx).map_err(|e| tera_error(&e))
    }
}

fn new_tera(templates: &[(String, String)]) -> Result<tera::Tera, String> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| tera_error(&e))?;
    Ok(tera)
}

/// Escapes text for HTML text and attribute values. Unlike tera's default it leaves `/`
/// alone, so relative URLs stay readable in the page source.
pub(crate) fn escape_html(input: &str) -> String {
    let mut o = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}
#[cfg(test)]
mod tests {
    #[test]
    fn embedded_theme_has_partials() {
        let t = super::Theme::load(std::path::Path::new("/nonexistent"), "default")
            .map_err(|d| format!("{d:?}"))
            .unwrap();
        assert!(t.has_template("partials/cards.html"));
        assert!(t.static_files.iter().any(|(p, _)| p == "static/style.css"));
    }
}
