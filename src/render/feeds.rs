//! Sitemap, Atom feed of major changes, and alias redirect pages. No clock is read: dates come
//! from content, so rebuilds are byte-identical.

use crate::graph::Site;
use crate::model::{ChangeType, Status, url};
use jiff::civil::Date;

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Every major change on a published page: (date, page, note), newest first.
pub fn major_changes(site: &Site) -> Vec<(Date, usize, String)> {
    let mut out = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.fm.status != Status::Published {
            continue;
        }
        for c in &p.fm.changes {
            if c.kind == ChangeType::Major {
                out.push((c.date, i, c.note.clone()));
            }
        }
    }
    out.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(site.pages[a.1].id.cmp(&site.pages[b.1].id))
    });
    out
}

pub fn sitemap(site: &Site, portable: bool) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in &site.pages {
        if p.fm.status != Status::Published {
            continue;
        }
        let loc = match &site.config.base_url {
            Some(b) => url::absolute(b, &p.id),
            None => url::page_href("", &p.id, None, portable),
        };
        s.push_str("  <url><loc>");
        s.push_str(&xml_escape(&loc));
        s.push_str("</loc>");
        if let Some(d) = p.fm.updated.or(p.fm.first_published) {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

pub fn atom(site: &Site, changes: &[(Date, usize, String)], portable: bool) -> String {
    let cfg = &site.config;
    let updated = changes
        .first()
        .map(|c| c.0.to_string())
        .unwrap_or_else(|| "2000-01-01".into());
    let base = cfg
        .base_url
        .clone()
        .unwrap_or_else(|| "urn:waymark:".into());
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    s.push_str(&format!(
        "  <title>{} — what's changed</title>\n",
        xml_escape(&cfg.title)
    ));
    s.push_str(&format!(
        "  <id>{}</id>\n",
        xml_escape(&format!("{base}feed"))
    ));
    s.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    s.push_str("  <link rel=\"self\" href=\"feed.xml\"/>\n  <link href=\"./\"/>\n");
    s.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&cfg.title)
    ));
    for (d, i, note) in changes.iter().take(50) {
        let p = &site.pages[*i];
        let href = match &cfg.base_url {
            Some(b) => url::absolute(b, &p.id),
            None => url::page_href("", &p.id, None, portable),
        };
        s.push_str("  <entry>\n");
        s.push_str(&format!("    <title>{}</title>\n", xml_escape(&p.fm.title)));
        s.push_str(&format!(
            "    <id>{}</id>\n",
            xml_escape(&format!("{base}{}#{d}", p.id))
        ));
        s.push_str(&format!("    <updated>{d}T00:00:00Z</updated>\n"));
        s.push_str(&format!("    <link href=\"{}\"/>\n", xml_escape(&href)));
        s.push_str(&format!("    <summary>{}</summary>\n", xml_escape(note)));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

pub fn redirect_page(href: &str, title: &str) -> String {
    let h = xml_escape(href);
    format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Moved: {}</title><meta http-equiv=\"refresh\" content=\"0; url={h}\"><link rel=\"canonical\" href=\"{h}\"><meta name=\"robots\" content=\"noindex\"></head><body><p>This page has moved to <a href=\"{h}\">{}</a>.</p></body></html>\n",
        xml_escape(title),
        xml_escape(title)
    )
}
