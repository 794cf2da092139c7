//! The tantivy schema (SPEC §7): one document per page section, with the page's own fields
//! (title, summary, tags, the provision a legal summary covers) repeated on each of its
//! sections so that a section is found by its page's title and ranked by its own text.

use super::analysis::{CITES, TEXT, WORDS};
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

/// Written to `search-index/schema-version`; bump it whenever the schema, the analyzers or
/// the side files change meaning, so an old index is refused rather than misread.
pub const SCHEMA_VERSION: &str = "waymark-search-1";

/// Field names; the query side finds fields by these.
pub mod names {
    pub const ID: &str = "id";
    pub const PAGE: &str = "page";
    pub const SECTION: &str = "section";
    pub const URL: &str = "url";
    pub const HEADING: &str = "heading";
    pub const TITLE: &str = "title";
    pub const HEADINGS: &str = "headings";
    pub const SUMMARY: &str = "summary";
    pub const BODY: &str = "body";
    pub const TAGS: &str = "tags";
    pub const CITATIONS: &str = "citations";
    pub const PROVISION: &str = "provision";
    pub const SPELL: &str = "spell";
    pub const FACETS: &str = "facets";
    pub const UPDATED: &str = "updated";
}

#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Page id (`legislation/pha-1997/s4a`), untokenized.
    pub id: Field,
    /// Ordinal of the page in `pages.json` (fast: results are grouped by page).
    pub page: Field,
    /// 0 for the text before the first heading, else 1 + the heading's index.
    pub section: Field,
    /// URL from the site root, with `#anchor` for sections after the first.
    pub url: Field,
    /// The section's heading as shown (stored only).
    pub heading: Field,
    pub title: Field,
    /// The section's heading and the headings above it.
    pub headings: Field,
    pub summary: Field,
    pub body: Field,
    /// Tags and topics.
    pub tags: Field,
    /// Citations made in the section, normalised.
    pub citations: Field,
    /// For legal summaries: the provision the page summarises, normalised.
    pub provision: Field,
    /// The page's distinct words, unstemmed: the vocabulary for typo correction.
    pub spell: Field,
    /// `/kind/<kind>`, `/tags/<tag>`, `/audience/<audience>`.
    pub facets: Field,
    pub updated: Field,
}

fn text(tokenizer: &str, record: IndexRecordOption, stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    );
    if stored { o.set_stored() } else { o }
}

pub fn build() -> (Schema, Fields) {
    use names::*;
    let mut b = Schema::builder();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let fields = Fields {
        id: b.add_text_field(ID, STRING | STORED),
        page: b.add_u64_field(PAGE, FAST | STORED),
        section: b.add_u64_field(SECTION, STORED),
        url: b.add_text_field(URL, STORED),
        heading: b.add_text_field(HEADING, STORED),
        title: b.add_text_field(TITLE, text(TEXT, positions, false)),
        headings: b.add_text_field(HEADINGS, text(TEXT, positions, false)),
        summary: b.add_text_field(SUMMARY, text(TEXT, positions, false)),
        body: b.add_text_field(BODY, text(TEXT, positions, true)),
        tags: b.add_text_field(TAGS, text(TEXT, positions, false)),
        citations: b.add_text_field(CITATIONS, text(CITES, IndexRecordOption::WithFreqs, false)),
        provision: b.add_text_field(PROVISION, text(CITES, IndexRecordOption::WithFreqs, false)),
        spell: b.add_text_field(SPELL, text(WORDS, IndexRecordOption::Basic, false)),
        facets: b.add_facet_field(FACETS, FacetOptions::default()),
        updated: b.add_date_field(UPDATED, INDEXED | STORED),
    };
    (b.build(), fields)
}

/// The fields of an opened index, refusing one that lacks any of them.
pub fn fields(schema: &Schema) -> Result<Fields, String> {
    use names::*;
    let f = |n: &str| {
        schema
            .get_field(n)
            .map_err(|_| format!("the index has no `{n}` field"))
    };
    Ok(Fields {
        id: f(ID)?,
        page: f(PAGE)?,
        section: f(SECTION)?,
        url: f(URL)?,
        heading: f(HEADING)?,
        title: f(TITLE)?,
        headings: f(HEADINGS)?,
        summary: f(SUMMARY)?,
        body: f(BODY)?,
        tags: f(TAGS)?,
        citations: f(CITATIONS)?,
        provision: f(PROVISION)?,
        spell: f(SPELL)?,
        facets: f(FACETS)?,
        updated: f(UPDATED)?,
    })
}
