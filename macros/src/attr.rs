//! The options both macros take: `migrations!("dir", key = value, …)` and `#[migrations(dir = "…", key = value,
//! …)]`. Unknown keys, repeated keys and values of the wrong type are errors spanned at the key or value.

use proc_macro2::{Span, TokenTree};
use syn::parse::ParseStream;
use syn::{Attribute, Ident, LitStr, Token, bracketed, token};

use prisma_migrations_build::lint::{Level, LintConfig};
use prisma_migrations_build::{DEFAULT_VAGUE_NAMES, Numbering, Options, Provider, Surface};
use syn::ext::IdentExt as _;

/// The folder used when none is given, as `prisma migrate dev` lays it out.
pub const DEFAULT_DIR: &str = "prisma/migrations";

const KEYS: &str = "`dir`, `provider`, `numbering`, `exempt_until`, `vague_names`, `extra_vague_names`, `lint`";

/// The parsed options of one invocation.
pub struct Args {
    /// The folder literal, relative to the manifest dir.
    pub dir: Option<LitStr>,
    /// `provider = "…"`, checked to be a provider Prisma knows; `Provider` is its canonical form.
    pub provider: Option<(LitStr, Provider)>,
    /// `numbering = "timestamp" | "sequential"`.
    pub numbering: Option<(LitStr, Numbering)>,
    /// `exempt_until = "<migration name>"`.
    pub exempt_until: Option<LitStr>,
    /// `vague_names = [...]`: replaces the default list.
    pub vague_names: Option<Vec<LitStr>>,
    /// `extra_vague_names = [...]`: extends the default (or the replaced) list.
    pub extra_vague_names: Option<Vec<LitStr>>,
    /// `lint(rule-name = "off" | "warn" | "error", …)`, validated.
    pub lint: Option<LintConfig>,
    /// Where folder problems are spanned when there is no folder literal.
    pub site: Span,
}

impl Args {
    pub(crate) fn new(site: Span) -> Self {
        Self {
            dir: None,
            provider: None,
            numbering: None,
            exempt_until: None,
            vague_names: None,
            extra_vague_names: None,
            lint: None,
            site,
        }
    }

    /// `migrations!()`, `migrations!("dir")`, `migrations!("dir", key = value, …)`, `migrations!(key = value)`.
    pub fn parse_macro(input: ParseStream) -> syn::Result<Self> {
        let mut args = Self::new(Span::call_site());
        if input.peek(LitStr) {
            args.dir = Some(input.parse()?);
            if input.is_empty() {
                return Ok(args);
            }
            input.parse::<Token![,]>()?;
        } else if !(input.is_empty() || input.peek(Ident) && input.peek2(Token![=])) {
            let tt: TokenTree = input.parse()?;
            return Err(syn::Error::new_spanned(
                tt,
                "expected the migrations folder as a string literal, e.g. `migrations!(\"prisma/migrations\")`",
            ));
        }
        while !input.is_empty() {
            let key: Ident = input.parse()?;
            if key == "lint" {
                args.set_lint(&key, input)?;
            } else {
                input.parse::<Token![=]>()?;
                args.set(&key, input)?;
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }

    /// Every `#[migrations(...)]` attribute of a derive input; keys may be spread over several attributes but
    /// each may appear once. `site` spans folder problems when no `dir` is given.
    pub fn parse_attrs(attrs: &[Attribute], site: Span) -> syn::Result<Self> {
        let mut args = Self::new(site);
        for attr in attrs.iter().filter(|a| a.path().is_ident("migrations")) {
            if args.dir.is_none() {
                args.site = attr.path().get_ident().map_or(site, Ident::span);
            }
            attr.parse_nested_meta(|meta| {
                let Some(key) = meta.path.get_ident() else {
                    return Err(meta.error(format!("unknown option; expected one of {KEYS}")));
                };
                if key == "lint" { args.set_lint(key, meta.input) } else { args.set(key, meta.value()?) }
            })?;
        }
        Ok(args)
    }

    /// Stores one `key = value`; `input` is positioned at the value.
    fn set(&mut self, key: &Ident, input: ParseStream) -> syn::Result<()> {
        let repeated = || syn::Error::new(key.span(), format!("option `{key}` is given more than once"));
        match key.to_string().as_str() {
            "dir" if self.dir.is_some() => Err(repeated()),
            "dir" => {
                self.dir = Some(string(key, input, "prisma/migrations")?);
                Ok(())
            }
            "provider" if self.provider.is_some() => Err(repeated()),
            "provider" => {
                let lit = string(key, input, "postgresql")?;
                let provider = Provider::parse(&lit.value()).ok_or_else(|| {
                    syn::Error::new(
                        lit.span(),
                        format!(
                            "unknown provider `{}`; expected one of `postgresql`, `mysql`, `sqlite`, `cockroachdb`, `sqlserver`",
                            lit.value()
                        ),
                    )
                })?;
                self.provider = Some((lit, provider));
                Ok(())
            }
            "numbering" if self.numbering.is_some() => Err(repeated()),
            "numbering" => {
                let lit = string(key, input, "sequential")?;
                let numbering = match lit.value().as_str() {
                    "timestamp" => Numbering::Timestamp,
                    "sequential" => Numbering::Sequential,
                    other => {
                        return Err(syn::Error::new(
                            lit.span(),
                            format!("unknown numbering `{other}`; expected `timestamp` or `sequential`"),
                        ));
                    }
                };
                self.numbering = Some((lit, numbering));
                Ok(())
            }
            "exempt_until" if self.exempt_until.is_some() => Err(repeated()),
            "exempt_until" => {
                self.exempt_until = Some(string(key, input, "20240101000000_legacy_name")?);
                Ok(())
            }
            "vague_names" if self.vague_names.is_some() => Err(repeated()),
            "vague_names" => {
                self.vague_names = Some(list(key, input)?);
                Ok(())
            }
            "extra_vague_names" if self.extra_vague_names.is_some() => Err(repeated()),
            "extra_vague_names" => {
                self.extra_vague_names = Some(list(key, input)?);
                Ok(())
            }
            _ => Err(syn::Error::new(key.span(), format!("unknown option `{key}`; expected one of {KEYS}"))),
        }
    }

    /// `lint(ban-drop-column = "off", …)`: `input` is positioned at the parenthesis. Rule names are kebab-case,
    /// so a key is words (keywords included: `changing-column-type`) joined by `-`.
    fn set_lint(&mut self, key: &Ident, input: ParseStream) -> syn::Result<()> {
        if self.lint.is_some() {
            return Err(syn::Error::new(key.span(), "option `lint` is given more than once"));
        }
        if !input.peek(token::Paren) {
            return Err(syn::Error::new(
                key.span(),
                "`lint` takes a list of settings, e.g. `lint(ban-drop-column = \"warn\")`",
            ));
        }
        let content;
        syn::parenthesized!(content in input);
        let mut config = LintConfig::default();
        while !content.is_empty() {
            let first = Ident::parse_any(&content)?;
            let (mut name, span) = (first.to_string(), first.span());
            while content.peek(Token![-]) {
                content.parse::<Token![-]>()?;
                name.push('-');
                name.push_str(&Ident::parse_any(&content)?.to_string());
            }
            content.parse::<Token![=]>()?;
            let level: LitStr = content.parse()?;
            if prisma_migrations_build::lint::rule(&name).is_none() {
                return Err(syn::Error::new(
                    span,
                    format!("unknown lint rule `{name}`; expected one of {}", prisma_migrations_build::lint::names()),
                ));
            }
            if config.levels.iter().any(|(n, _)| *n == name) {
                return Err(syn::Error::new(span, format!("lint rule `{name}` is given more than once")));
            }
            let Some(level_value) = Level::parse(&level.value()) else {
                return Err(syn::Error::new(
                    level.span(),
                    format!("unknown lint level `{}`; expected `\"off\"`, `\"warn\"` or `\"error\"`", level.value()),
                ));
            };
            config.levels.push((name, level_value));
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        self.lint = Some(config);
        Ok(())
    }

    /// The folder as written, relative to the manifest dir.
    pub fn dir_value(&self) -> String {
        self.dir.as_ref().map_or_else(|| DEFAULT_DIR.to_owned(), LitStr::value)
    }

    /// Where problems with the folder are spanned: the folder literal, else the attribute or call site.
    pub fn dir_span(&self) -> Span {
        self.dir.as_ref().map_or(self.site, LitStr::span)
    }

    /// The canonical provider name, when `provider = …` is given.
    pub fn provider(&self) -> Option<Provider> {
        self.provider.as_ref().map(|(_, p)| *p)
    }

    /// The settings build-support reads the folder with.
    pub fn options(&self) -> Options {
        let mut vague_names = match &self.vague_names {
            Some(list) => list.iter().map(LitStr::value).collect(),
            None => DEFAULT_VAGUE_NAMES.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
        };
        vague_names.extend(self.extra_vague_names.iter().flatten().map(LitStr::value));
        Options {
            provider: self.provider().map(|p| p.as_str().to_owned()),
            numbering: self.numbering.as_ref().map_or(Numbering::Timestamp, |(_, n)| *n),
            vague_names,
            exempt_until: self.exempt_until.as_ref().map(LitStr::value),
            surface: Surface::Macro,
        }
    }
}

/// A string literal value; anything else is an error spanned at the value.
fn string(key: &Ident, input: ParseStream, example: &str) -> syn::Result<LitStr> {
    if input.peek(LitStr) {
        return input.parse();
    }
    let tt: TokenTree = input.parse()?;
    Err(syn::Error::new_spanned(tt, format!("`{key}` takes a string literal, e.g. `{key} = \"{example}\"`")))
}

/// A bracketed list of string literals; anything else is an error spanned at the value or element.
fn list(key: &Ident, input: ParseStream) -> syn::Result<Vec<LitStr>> {
    let wrong = |tt: TokenTree| {
        syn::Error::new_spanned(
            tt,
            format!("`{key}` takes a list of string literals, e.g. `{key} = [\"wip\", \"tmp\"]`"),
        )
    };
    if !input.peek(token::Bracket) {
        return Err(wrong(input.parse()?));
    }
    let content;
    bracketed!(content in input);
    let mut items = Vec::new();
    while !content.is_empty() {
        if !content.peek(LitStr) {
            return Err(wrong(content.parse()?));
        }
        items.push(content.parse()?);
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    Ok(items)
}
