//! Closed word lists used by the directive classifier, the skeleton and MinHash.
//!
//! Closed lists keep results explainable and stable: a word is in or out, and the same text
//! always gives the same answer. All entries are lower case.

/// Function words dropped from actions, conditions and MinHash shingles. Negators ("not",
/// "no", "never", "without") are deliberately absent: they change meaning.
pub fn is_stop_word(w: &str) -> bool {
    matches!(
        w,
        "a" | "about"
            | "all"
            | "also"
            | "am"
            | "an"
            | "and"
            | "any"
            | "are"
            | "as"
            | "at"
            | "be"
            | "been"
            | "being"
            | "both"
            | "by"
            | "can"
            | "could"
            | "did"
            | "do"
            | "does"
            | "e.g"
            | "each"
            | "eg"
            | "either"
            | "etc"
            | "every"
            | "for"
            | "from"
            | "had"
            | "has"
            | "have"
            | "he"
            | "her"
            | "here"
            | "him"
            | "his"
            | "i"
            | "i.e"
            | "ie"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "just"
            | "may"
            | "me"
            | "might"
            | "must"
            | "my"
            | "of"
            | "on"
            | "onto"
            | "or"
            | "our"
            | "own"
            | "per"
            | "shall"
            | "she"
            | "should"
            | "so"
            | "some"
            | "such"
            | "than"
            | "that"
            | "the"
            | "their"
            | "them"
            | "then"
            | "there"
            | "these"
            | "they"
            | "this"
            | "those"
            | "to"
            | "upon"
            | "us"
            | "very"
            | "via"
            | "was"
            | "we"
            | "were"
            | "what"
            | "whether"
            | "which"
            | "who"
            | "whom"
            | "whose"
            | "will"
            | "with"
            | "would"
            | "you"
            | "your"
    )
}

/// Words that open a condition clause.
pub fn is_condition_word(w: &str) -> bool {
    matches!(
        w,
        "if" | "where"
            | "when"
            | "whenever"
            | "unless"
            | "until"
            | "before"
            | "after"
            | "once"
            | "provided"
            | "while"
            | "whilst"
    )
}

/// Determiners and quantifiers stripped from a subject noun phrase.
pub fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "all"
            | "any"
            | "each"
            | "every"
            | "some"
            | "this"
            | "these"
            | "those"
            | "our"
            | "your"
            | "their"
            | "its"
            | "both"
            | "other"
            | "such"
            | "most"
            | "many"
    )
}

/// Adverbs skipped between a modal and its verb, and at the start of an imperative.
pub fn is_skippable_adverb(w: &str) -> bool {
    matches!(
        w,
        "also"
            | "only"
            | "still"
            | "then"
            | "therefore"
            | "normally"
            | "usually"
            | "generally"
            | "now"
            | "however"
            | "thus"
            | "routinely"
            | "ordinarily"
            | "typically"
            | "ideally"
            | "please"
            | "just"
            | "subsequently"
            | "really"
            | "actually"
            | "immediately"
            | "promptly"
            | "quickly"
            | "carefully"
            | "properly"
            | "fully"
            | "clearly"
            | "accurately"
            | "further"
            | "first"
            | "initially"
            | "additionally"
            | "equally"
            | "similarly"
            | "likewise"
    )
}

/// Head nouns of police roles: subjects that make "may"/"can" deontic.
pub fn is_role_head(w: &str) -> bool {
    matches!(
        w,
        "officer"
            | "constable"
            | "sergeant"
            | "inspector"
            | "superintendent"
            | "supervisor"
            | "handler"
            | "investigator"
            | "staff"
            | "force"
            | "dispatcher"
            | "responder"
            | "detective"
            | "analyst"
            | "practitioner"
            | "commander"
            | "controller"
            | "operator"
            | "volunteer"
            | "employee"
            | "police"
            | "pcso"
            | "sio"
            | "oic"
            | "colleague"
            | "manager"
            | "call-taker"
            | "taker"
            | "interviewer"
            | "assessor"
            | "reviewer"
            | "trainer"
            | "leader"
            | "lead"
            | "you"
            | "we"
    )
}

/// Multi-word roles kept whole, written as they are kept; the last word is a role head.
pub const COMPOUND_ROLES: &[&str] = &[
    "authorising officer",
    "call handler",
    "call taker",
    "chief officer",
    "control room supervisor",
    "custody officer",
    "custody sergeant",
    "decision maker",
    "disclosure officer",
    "duty inspector",
    "family liaison officer",
    "first responder",
    "investigating officer",
    "neighbourhood officer",
    "officer in charge",
    "police community support officer",
    "police staff",
    "response officer",
    "senior investigating officer",
    "special constable",
];

/// People and bodies that are not police roles but are stated as subjects in law
/// ("the court must be satisfied", "a person must not pursue"): actors, but not ones whose
/// "may" is guidance.
pub fn is_agent(w: &str) -> bool {
    matches!(
        w,
        "court"
            | "person"
            | "defendant"
            | "suspect"
            | "victim"
            | "magistrate"
            | "judge"
            | "jury"
            | "prosecutor"
            | "prosecution"
            | "cps"
            | "applicant"
            | "owner"
            | "driver"
            | "individual"
            | "offender"
            | "child"
            | "parent"
            | "witness"
            | "complainant"
            | "accused"
            | "perpetrator"
            | "organisation"
            | "employer"
            | "authority"
            | "agency"
            | "partner"
            | "he"
            | "she"
            | "they"
    )
}

/// Words that, right after a sentence's first word, show that first word is a subject noun
/// and not an imperative verb ("Record keeping is…", "Use of force must…").
pub fn blocks_imperative(w: &str) -> bool {
    matches!(
        w,
        "is" | "are"
            | "was"
            | "were"
            | "has"
            | "have"
            | "had"
            | "will"
            | "would"
            | "can"
            | "could"
            | "may"
            | "might"
            | "must"
            | "should"
            | "shall"
            | "does"
            | "did"
            | "of"
            | "means"
            | "refers"
            | "includes"
            | "applies"
            | "provides"
            | "requires"
            | "allows"
            | "contains"
            | "involves"
            | "helps"
            | "shows"
            | "needs"
            | "takes"
            | "gives"
            | "remains"
            | "becomes"
    )
}

/// Verbs that start imperative directives in guidance ("Record the crime.", "Consider…").
/// Kept sorted for binary search.
pub const IMPERATIVE_VERBS: &[&str] = &[
    "accept",
    "access",
    "act",
    "add",
    "address",
    "administer",
    "adopt",
    "advise",
    "alert",
    "allocate",
    "allow",
    "apply",
    "approach",
    "arrange",
    "arrest",
    "ascertain",
    "ask",
    "assess",
    "assign",
    "assist",
    "attach",
    "attempt",
    "attend",
    "avoid",
    "bail",
    "be",
    "book",
    "brief",
    "bring",
    "call",
    "capture",
    "carry",
    "caution",
    "challenge",
    "charge",
    "check",
    "choose",
    "clarify",
    "close",
    "collect",
    "communicate",
    "compare",
    "complete",
    "comply",
    "conduct",
    "confirm",
    "consider",
    "consult",
    "contact",
    "continue",
    "cooperate",
    "coordinate",
    "copy",
    "create",
    "debrief",
    "decide",
    "declare",
    "define",
    "delay",
    "delegate",
    "delete",
    "deliver",
    "deploy",
    "describe",
    "destroy",
    "detain",
    "determine",
    "develop",
    "direct",
    "disclose",
    "discuss",
    "dispatch",
    "display",
    "do",
    "document",
    "download",
    "draft",
    "encourage",
    "engage",
    "enquire",
    "ensure",
    "enter",
    "escalate",
    "establish",
    "evaluate",
    "examine",
    "exercise",
    "explain",
    "explore",
    "file",
    "fill",
    "find",
    "flag",
    "focus",
    "follow",
    "forward",
    "gather",
    "get",
    "give",
    "go",
    "grade",
    "handcuff",
    "handle",
    "help",
    "highlight",
    "hold",
    "identify",
    "ignore",
    "implement",
    "include",
    "inform",
    "inspect",
    "instruct",
    "interview",
    "investigate",
    "involve",
    "issue",
    "keep",
    "label",
    "leave",
    "let",
    "liaise",
    "link",
    "listen",
    "locate",
    "log",
    "look",
    "maintain",
    "make",
    "manage",
    "mark",
    "monitor",
    "note",
    "notify",
    "obtain",
    "offer",
    "photograph",
    "place",
    "plan",
    "prepare",
    "present",
    "preserve",
    "prevent",
    "prioritise",
    "protect",
    "provide",
    "pursue",
    "put",
    "question",
    "raise",
    "reassess",
    "reassure",
    "recognise",
    "record",
    "redact",
    "refer",
    "refrain",
    "refuse",
    "register",
    "reject",
    "release",
    "rely",
    "remain",
    "remember",
    "remove",
    "report",
    "request",
    "require",
    "research",
    "resist",
    "respect",
    "respond",
    "restrain",
    "retain",
    "return",
    "review",
    "revisit",
    "safeguard",
    "search",
    "secure",
    "seek",
    "seize",
    "select",
    "send",
    "serve",
    "set",
    "share",
    "show",
    "sign",
    "signpost",
    "speak",
    "start",
    "state",
    "stop",
    "store",
    "submit",
    "supervise",
    "support",
    "take",
    "talk",
    "tell",
    "test",
    "think",
    "track",
    "treat",
    "try",
    "undertake",
    "update",
    "upload",
    "use",
    "verify",
    "visit",
    "wait",
    "warn",
    "wear",
    "work",
    "write",
];

/// Whether a lower-case word is a listed imperative verb.
pub fn is_imperative_verb(w: &str) -> bool {
    IMPERATIVE_VERBS.binary_search(&w).is_ok()
}

/// A closed list of antonym groups for skeletons: words whose swap reverses a statement
/// while leaving the sentence's shape alone. Each entry is (stem, group, pole); stems are
/// Porter2 stems of the listed words. See `skeleton` for the rationale.
pub fn antonym(stem: &str) -> Option<(u8, u8)> {
    Some(match stem {
        "befor" => (1, 0),
        "after" => (1, 1),
        "minimum" | "min" => (2, 0),
        "maximum" | "max" => (2, 1),
        "increas" => (3, 0),
        "decreas" | "reduc" => (3, 1),
        "includ" => (4, 0),
        "exclud" => (4, 1),
        "alway" => (5, 0),
        "never" => (5, 1),
        "more" => (6, 0),
        "less" | "fewer" => (6, 1),
        "higher" | "high" => (7, 0),
        "low" | "lower" => (7, 1),
        "earliest" => (8, 0),
        "latest" => (8, 1),
        "earlier" => (9, 0),
        "later" => (9, 1),
        "first" => (10, 0),
        "last" => (10, 1),
        "abov" => (11, 0),
        "below" => (11, 1),
        "over" => (12, 0),
        "under" => (12, 1),
        "longer" => (13, 0),
        "shorter" => (13, 1),
        "most" => (14, 0),
        "least" => (14, 1),
        "law" | "legal" => (15, 0),
        "unlaw" | "illeg" => (15, 1),
        "permit" | "allow" => (16, 0),
        "prohibit" | "forbid" | "forbidden" => (16, 1),
        "mandatori" | "compulsori" => (17, 0),
        "option" | "discretionari" | "voluntari" => (17, 1),
        "valid" => (18, 0),
        "invalid" => (18, 1),
        "with" => (19, 0),
        "without" => (19, 1),
        "summari" => (20, 0),
        "indict" => (20, 1),
        "either-way" => (20, 2),
        "insid" => (21, 0),
        "outsid" => (21, 1),
        "grant" | "accept" | "approv" => (22, 0),
        "refus" | "reject" | "declin" => (22, 1),
        "posit" => (23, 0),
        "negat" => (23, 1),
        "consecut" => (24, 0),
        "concurr" => (24, 1),
        "start" | "begin" => (25, 0),
        "end" | "finish" => (25, 1),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imperative_list_is_sorted() {
        let mut v = IMPERATIVE_VERBS.to_vec();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v, IMPERATIVE_VERBS);
        assert!(is_imperative_verb("record"));
        assert!(!is_imperative_verb("officer"));
    }

    #[test]
    fn antonym_stems_match_the_stemmer() {
        use super::super::stem::stem;
        for (a, b) in [
            ("before", "after"),
            ("minimum", "maximum"),
            ("increase", "decrease"),
            ("included", "excluded"),
            ("always", "never"),
            ("more", "less"),
            ("higher", "lower"),
            ("earliest", "latest"),
            ("earlier", "later"),
            ("first", "last"),
            ("above", "below"),
            ("over", "under"),
            ("longer", "shorter"),
            ("most", "least"),
            ("lawful", "unlawful"),
            ("legal", "illegal"),
            ("permitted", "prohibited"),
            ("mandatory", "optional"),
            ("compulsory", "voluntary"),
            ("valid", "invalid"),
            ("with", "without"),
            ("summary", "indictable"),
            ("inside", "outside"),
            ("granted", "refused"),
            ("positive", "negative"),
            ("consecutive", "concurrent"),
            ("start", "end"),
        ] {
            let (ga, pa) = antonym(&stem(a)).unwrap_or_else(|| panic!("{a} -> {}", stem(a)));
            let (gb, pb) = antonym(&stem(b)).unwrap_or_else(|| panic!("{b} -> {}", stem(b)));
            assert_eq!(ga, gb, "{a}/{b}");
            assert_ne!(pa, pb, "{a}/{b}");
        }
    }
}
