//! The words the parser decides on, recognised once per identifier by the
//! lexer: the parser then matches a byte instead of comparing texts, several
//! times per word (specifiers, qualifiers, declarator starts).

/// What an identifier is to the parser: a keyword, or a name ([`Kw::Name`]).
/// Words of the same meaning share one value (`const`, `__const`); the text
/// stays in the source for the few places that tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kw {
    /// Any other identifier.
    Name,
    /// `typedef`.
    Typedef,
    /// `extern`.
    Extern,
    /// `static`.
    Static,
    /// `const`, `__const`, `__const__`.
    Const,
    /// Words accepted and ignored where C allows qualifiers: qualifiers,
    /// function specifiers, calling conventions and storage hints.
    Qualifier,
    /// `_Atomic`.
    Atomic,
    /// `typeof`, `__typeof`, `__typeof__`.
    Typeof,
    /// `void`.
    Void,
    /// `char`.
    Char,
    /// `short`.
    Short,
    /// `int`.
    Int,
    /// `long`.
    Long,
    /// `signed`.
    Signed,
    /// `unsigned`.
    Unsigned,
    /// `float`.
    Float,
    /// `double`.
    Double,
    /// `_Bool`.
    Bool,
    /// `_Complex`, `__complex__`.
    Complex,
    /// `struct`.
    Struct,
    /// `union`.
    Union,
    /// `enum`.
    Enum,
    /// `FILE`, which names a type without a typedef.
    File,
    /// `__builtin_va_list`.
    VaList,
    /// `__attribute__`, `__attribute`, `__asm__`, `__asm`, `__declspec`: what
    /// `attributes.rs` reads before and after specifiers and declarators.
    Attribute,
    /// Types of gcc that rcffi has no ctype for (`__int128`, `_Float16`, ...):
    /// declarations using them are refused (or skipped in headers), never
    /// given a wrong type.
    Unsupported,
}

/// Every keyword with what it is.
const KEYWORDS: &[(&str, Kw)] = &[
    ("typedef", Kw::Typedef),
    ("extern", Kw::Extern),
    ("static", Kw::Static),
    ("const", Kw::Const),
    ("__const", Kw::Const),
    ("__const__", Kw::Const),
    ("volatile", Kw::Qualifier),
    ("restrict", Kw::Qualifier),
    ("__restrict", Kw::Qualifier),
    ("__restrict__", Kw::Qualifier),
    ("__volatile__", Kw::Qualifier),
    ("__volatile", Kw::Qualifier),
    ("__extension__", Kw::Qualifier),
    ("inline", Kw::Qualifier),
    ("__inline", Kw::Qualifier),
    ("__inline__", Kw::Qualifier),
    ("_Noreturn", Kw::Qualifier),
    ("__cdecl", Kw::Qualifier),
    ("__stdcall", Kw::Qualifier),
    ("WINAPI", Kw::Qualifier),
    ("__fastcall", Kw::Qualifier),
    ("__thiscall", Kw::Qualifier),
    ("register", Kw::Qualifier),
    ("auto", Kw::Qualifier),
    ("_Atomic", Kw::Atomic),
    ("typeof", Kw::Typeof),
    ("__typeof", Kw::Typeof),
    ("__typeof__", Kw::Typeof),
    ("void", Kw::Void),
    ("char", Kw::Char),
    ("short", Kw::Short),
    ("int", Kw::Int),
    ("long", Kw::Long),
    ("signed", Kw::Signed),
    ("unsigned", Kw::Unsigned),
    ("float", Kw::Float),
    ("double", Kw::Double),
    ("_Bool", Kw::Bool),
    ("_Complex", Kw::Complex),
    ("__complex__", Kw::Complex),
    ("struct", Kw::Struct),
    ("union", Kw::Union),
    ("enum", Kw::Enum),
    ("FILE", Kw::File),
    ("__builtin_va_list", Kw::VaList),
    ("__int128", Kw::Unsupported),
    ("__int128_t", Kw::Unsupported),
    ("__uint128_t", Kw::Unsupported),
    ("_Float16", Kw::Unsupported),
    ("_Float32", Kw::Unsupported),
    ("_Float64", Kw::Unsupported),
    ("_Float128", Kw::Unsupported),
    ("_Float32x", Kw::Unsupported),
    ("_Float64x", Kw::Unsupported),
    ("_Float128x", Kw::Unsupported),
    ("__float128", Kw::Unsupported),
    ("__float80", Kw::Unsupported),
    ("__ibm128", Kw::Unsupported),
    ("__bf16", Kw::Unsupported),
    ("_Decimal32", Kw::Unsupported),
    ("_Decimal64", Kw::Unsupported),
    ("_Decimal128", Kw::Unsupported),
    ("__attribute__", Kw::Attribute),
    ("__attribute", Kw::Attribute),
    ("__asm__", Kw::Attribute),
    ("__asm", Kw::Attribute),
    ("__declspec", Kw::Attribute),
];

/// The shortest keyword's length (`int`): shorter words are names.
const SHORTEST: usize = 3;

/// The multiplier of [`slot`], one that gives every keyword a slot of its
/// own. Building [`TABLE`] checks that at compile time; after a change to
/// [`KEYWORDS`] that makes two collide, any odd 64-bit number passing the
/// check will do (a few thousand random tries find one).
const MULTIPLIER: u64 = 0xfd8e_f4d0_8af1_f75f;

/// A slot of [`TABLE`] for a word of at least [`SHORTEST`] bytes, from its
/// length and five of its bytes: one multiplication instead of comparing the
/// word with each keyword of its length.
const fn slot(b: &[u8]) -> usize {
    let n = b.len();
    let key = n as u64
        | (b[0] as u64) << 8
        | (b[n - 1] as u64) << 16
        | (b[n - 2] as u64) << 24
        | (b[n / 2] as u64) << 32
        | (b[n - 3] as u64) << 40;
    (key.wrapping_mul(MULTIPLIER) >> 56) as usize
}

/// The keywords by [`slot`]; empty slots hold `""`, which no word matches.
static TABLE: [(&str, Kw); 256] = {
    let mut table = [("", Kw::Name); 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        let s = slot(KEYWORDS[i].0.as_bytes());
        assert!(
            table[s].0.is_empty(),
            "two keywords share a slot: change MULTIPLIER"
        );
        table[s] = KEYWORDS[i];
        i += 1;
    }
    table
};

impl Kw {
    /// What the identifier `word` is.
    pub fn of(word: &str) -> Kw {
        let b = word.as_bytes();
        if b.len() < SHORTEST {
            return Kw::Name;
        }
        let (text, kw) = TABLE[slot(b)];
        if text.as_bytes() == b {
            kw
        } else {
            Kw::Name
        }
    }

    /// A qualifier-like word (`const` included), accepted and ignored where
    /// C allows qualifiers.
    pub fn is_qualifier(self) -> bool {
        matches!(self, Kw::Const | Kw::Qualifier)
    }

    /// One of the keywords of the base type (`unsigned long int`).
    pub fn is_type_word(self) -> bool {
        matches!(
            self,
            Kw::Void
                | Kw::Char
                | Kw::Short
                | Kw::Int
                | Kw::Long
                | Kw::Signed
                | Kw::Unsigned
                | Kw::Float
                | Kw::Double
                | Kw::Bool
                | Kw::Complex
        )
    }

    /// A keyword (or ignored qualifier word) that starts or continues a type.
    pub fn starts_type(self) -> bool {
        self.is_type_word()
            || self.is_qualifier()
            || matches!(
                self,
                Kw::Struct | Kw::Union | Kw::Enum | Kw::File | Kw::Atomic | Kw::Typeof
            )
    }
}

#[cfg(test)]
mod tests {
    use super::Kw;

    #[test]
    fn words_of_one_meaning_share_a_keyword() {
        assert_eq!(Kw::of("__const__"), Kw::Const);
        assert_eq!(Kw::of("__complex__"), Kw::Complex);
        assert_eq!(Kw::of("__typeof"), Kw::Typeof);
        assert_eq!(Kw::of("__restrict"), Kw::Qualifier);
        assert_eq!(Kw::of("_Float128"), Kw::Unsupported);
    }

    #[test]
    fn every_keyword_is_found() {
        for &(text, kw) in super::KEYWORDS {
            assert_eq!(Kw::of(text), kw, "{text}");
            assert!(text.len() >= super::SHORTEST, "{text}");
        }
    }

    #[test]
    fn names_are_no_keywords() {
        for name in [
            "rec_1_t", "self", "n", "in", "constant", "int32_t", "size_t", "Const", "voidx",
        ] {
            assert_eq!(Kw::of(name), Kw::Name, "{name}");
        }
        assert!(!Kw::Name.starts_type());
        assert!(Kw::File.starts_type() && !Kw::File.is_type_word());
        assert!(Kw::Const.is_qualifier() && Kw::Const.starts_type());
    }
}
