//! CQL keywords: which words are keywords, and which of them are reserved.
//!
//! Keywords are case-insensitive. A reserved keyword can never be an unquoted identifier; an
//! unreserved one is a keyword only where the grammar expects it and an identifier elsewhere
//! (e.g. `key`, `type`, `timestamp` are valid column names). The lists follow the ScyllaDB
//! and Cassandra grammars; where they disagree the more permissive choice is taken.

use scylla_cql::frame::response::column_type::NativeType;
use scylla_cql::frame::response::cql_type_parser::native_of_name;

macro_rules! keywords {
    ($( $variant:ident => $text:literal, $reserved:literal; )*) => {
        /// A CQL keyword.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub(crate) enum Keyword {
            $( $variant, )*
        }

        impl Keyword {
            /// The keyword spelt by `lower` (already in lower case), if any.
            fn from_lowercase(lower: &str) -> Option<Keyword> {
                match lower {
                    $( $text => Some(Keyword::$variant), )*
                    "columnfamily" => Some(Keyword::Table),
                    "columnfamilies" => Some(Keyword::Tables),
                    _ => None,
                }
            }

            /// Whether the keyword can never be an unquoted identifier.
            pub(crate) fn is_reserved(self) -> bool {
                match self {
                    $( Keyword::$variant => $reserved, )*
                }
            }

            /// The keyword in lower case.
            pub(crate) fn as_str(self) -> &'static str {
                match self {
                    $( Keyword::$variant => $text, )*
                }
            }
        }
    };
}

keywords! {
    // Reserved keywords.
    Add => "add", true;
    Allow => "allow", true;
    Alter => "alter", true;
    And => "and", true;
    Apply => "apply", true;
    Asc => "asc", true;
    Authorize => "authorize", true;
    Batch => "batch", true;
    Begin => "begin", true;
    By => "by", true;
    Create => "create", true;
    Delete => "delete", true;
    Drop => "drop", true;
    Entries => "entries", true;
    From => "from", true;
    Full => "full", true;
    Grant => "grant", true;
    If => "if", true;
    In => "in", true;
    Index => "index", true;
    Infinity => "infinity", true;
    Insert => "insert", true;
    Into => "into", true;
    Is => "is", true;
    Keyspace => "keyspace", true;
    Limit => "limit", true;
    Materialized => "materialized", true;
    Modify => "modify", true;
    NaN => "nan", true;
    Norecursive => "norecursive", true;
    Not => "not", true;
    Null => "null", true;
    Of => "of", true;
    On => "on", true;
    Or => "or", true;
    Order => "order", true;
    Primary => "primary", true;
    Rename => "rename", true;
    Revoke => "revoke", true;
    Schema => "schema", true;
    Select => "select", true;
    Set => "set", true;
    Table => "table", true;
    To => "to", true;
    Token => "token", true;
    Truncate => "truncate", true;
    Unlogged => "unlogged", true;
    Update => "update", true;
    Use => "use", true;
    Using => "using", true;
    View => "view", true;
    Where => "where", true;
    With => "with", true;
    // Unreserved keywords.
    Aggregate => "aggregate", false;
    Aggregates => "aggregates", false;
    All => "all", false;
    As => "as", false;
    Attach => "attach", false;
    Attached => "attached", false;
    Bypass => "bypass", false;
    Cache => "cache", false;
    Called => "called", false;
    Cast => "cast", false;
    Cluster => "cluster", false;
    Clustering => "clustering", false;
    Compact => "compact", false;
    Contains => "contains", false;
    Count => "count", false;
    Custom => "custom", false;
    Default => "default", false;
    Desc => "desc", false;
    Describe => "describe", false;
    Detach => "detach", false;
    Distinct => "distinct", false;
    Effective => "effective", false;
    Execute => "execute", false;
    Exists => "exists", false;
    Filtering => "filtering", false;
    Finalfunc => "finalfunc", false;
    Frozen => "frozen", false;
    Function => "function", false;
    Functions => "functions", false;
    Group => "group", false;
    Hashed => "hashed", false;
    Initcond => "initcond", false;
    Input => "input", false;
    Internals => "internals", false;
    Json => "json", false;
    Key => "key", false;
    Keys => "keys", false;
    Keyspaces => "keyspaces", false;
    Language => "language", false;
    Level => "level", false;
    Levels => "levels", false;
    Like => "like", false;
    List => "list", false;
    Login => "login", false;
    Map => "map", false;
    Nosuperuser => "nosuperuser", false;
    Only => "only", false;
    Options => "options", false;
    Partition => "partition", false;
    Password => "password", false;
    Passwords => "passwords", false;
    Per => "per", false;
    Permission => "permission", false;
    Permissions => "permissions", false;
    Prune => "prune", false;
    Reducefunc => "reducefunc", false;
    Replace => "replace", false;
    Returns => "returns", false;
    Role => "role", false;
    Roles => "roles", false;
    Service => "service", false;
    ServiceLevel => "service_level", false;
    ServiceLevels => "service_levels", false;
    Sfunc => "sfunc", false;
    Static => "static", false;
    Storage => "storage", false;
    Stype => "stype", false;
    Superuser => "superuser", false;
    Tables => "tables", false;
    Timeout => "timeout", false;
    Trigger => "trigger", false;
    Ttl => "ttl", false;
    Tuple => "tuple", false;
    Type => "type", false;
    Types => "types", false;
    Unset => "unset", false;
    User => "user", false;
    Users => "users", false;
    Values => "values", false;
    Vector => "vector", false;
    Writetime => "writetime", false;
    // Native type names (unreserved).
    Ascii => "ascii", false;
    Bigint => "bigint", false;
    Blob => "blob", false;
    Boolean => "boolean", false;
    Counter => "counter", false;
    Date => "date", false;
    Decimal => "decimal", false;
    Double => "double", false;
    Duration => "duration", false;
    Float => "float", false;
    Inet => "inet", false;
    Int => "int", false;
    Smallint => "smallint", false;
    Text => "text", false;
    Time => "time", false;
    Timestamp => "timestamp", false;
    Timeuuid => "timeuuid", false;
    Tinyint => "tinyint", false;
    Uuid => "uuid", false;
    Varchar => "varchar", false;
    Varint => "varint", false;
}

/// The longest keyword ("service_levels") is 14 bytes; longer words are never keywords.
const MAX_KEYWORD_LEN: usize = 16;

impl Keyword {
    /// The keyword spelt by `word` in any letter case, if any.
    pub(crate) fn lookup(word: &str) -> Option<Keyword> {
        let bytes = word.as_bytes();
        if bytes.len() > MAX_KEYWORD_LEN {
            return None;
        }
        let mut buf = [0u8; MAX_KEYWORD_LEN];
        let lower = buf.get_mut(..bytes.len())?;
        for (dst, src) in lower.iter_mut().zip(bytes) {
            *dst = src.to_ascii_lowercase();
        }
        Keyword::from_lowercase(std::str::from_utf8(lower).ok()?)
    }

    /// The name of the keyword in grammar error messages, e.g. `K_FROM`.
    pub(crate) fn token_name(self) -> String {
        format!("K_{}", self.as_str().to_ascii_uppercase())
    }

    /// The native CQL type the keyword names (`int`, `text`, `varchar`, ...), if any.
    pub(crate) fn native_type(self) -> Option<NativeType> {
        native_of_name(self.as_str())
    }

    /// Whether the keyword names a native CQL type.
    pub(crate) fn is_native_type(self) -> bool {
        self.native_type().is_some()
    }
}

/// Whether `word` is a reserved CQL keyword (in any letter case), which must be
/// double-quoted to be used as an identifier.
pub fn is_reserved_keyword(word: &str) -> bool {
    Keyword::lookup(word).is_some_and(Keyword::is_reserved)
}

/// Returns `name` as it must be written in CQL to denote the identifier `name`: unchanged when
/// it is a valid unquoted identifier that reads back the same (lower case letters, digits and
/// `_`, starting with a letter, not a reserved keyword), otherwise double-quoted with inner
/// `"` doubled.
///
/// Like Cassandra's `maybeQuote`, this only quotes reserved keywords: a few positions accept
/// fewer words (a user-defined type cannot be named `text` unquoted, a function cannot be
/// named `ttl`), so a name used there may still need quotes.
pub fn maybe_quote(name: &str) -> String {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !is_reserved_keyword(name)
        && name != "true"
        && name != "false";
    if plain {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(Keyword::lookup("SELECT"), Some(Keyword::Select));
        assert_eq!(Keyword::lookup("SeLeCt"), Some(Keyword::Select));
        assert_eq!(Keyword::lookup("ColumnFamily"), Some(Keyword::Table));
        assert_eq!(Keyword::lookup("COLUMNFAMILIES"), Some(Keyword::Tables));
        assert_eq!(
            Keyword::lookup("Service_Level"),
            Some(Keyword::ServiceLevel)
        );
        assert_eq!(Keyword::lookup("selects"), None);
        assert_eq!(Keyword::lookup("a_very_long_identifier_name"), None);
        assert_eq!(Keyword::lookup(""), None);
    }

    #[test]
    fn reserved_and_unreserved() {
        for w in [
            "select", "FROM", "where", "table", "token", "null", "nan", "set", "in",
        ] {
            assert!(is_reserved_keyword(w), "{w}");
        }
        for w in [
            "key",
            "type",
            "timestamp",
            "text",
            "ttl",
            "count",
            "json",
            "values",
            "desc",
        ] {
            assert!(!is_reserved_keyword(w), "{w}");
        }
        assert!(!is_reserved_keyword("peer"));
    }

    #[test]
    fn token_names_look_like_antlr() {
        assert_eq!(Keyword::From.token_name(), "K_FROM");
        assert_eq!(Keyword::Table.token_name(), "K_TABLE");
        assert_eq!(Keyword::ServiceLevel.token_name(), "K_SERVICE_LEVEL");
    }

    #[test]
    fn maybe_quote_quotes_only_when_needed() {
        assert_eq!(maybe_quote("peer"), "peer");
        assert_eq!(maybe_quote("key"), "key");
        assert_eq!(maybe_quote("a_1"), "a_1");
        assert_eq!(maybe_quote("Peer"), "\"Peer\"");
        assert_eq!(maybe_quote("select"), "\"select\"");
        assert_eq!(maybe_quote("1a"), "\"1a\"");
        assert_eq!(maybe_quote(""), "\"\"");
        assert_eq!(maybe_quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(maybe_quote("true"), "\"true\"");
    }
}
