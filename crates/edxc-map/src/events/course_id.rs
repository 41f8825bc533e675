//! Course-key validity and URL extraction (docs/contract.md §1.5, §1.6; opaque-keys 0.4, edx-ccx-keys).
//!
//! The grammar follows `CourseLocator.URL_RE` of opaque-keys 0.4: a namespaced key is
//! `NS:` + up to three plain `+`-separated parts (`org+course[+run]`) followed by the prefixed
//! parts `branch@B`, `version@<24 hex>`, (ccx only) `ccx@<digits>`, `type@T`, `block@ID`, each at
//! most once and in this order, no empty part. `type@`/`block@` parts are accepted on course keys
//! because the shared regex accepts them and the constructor ignores them. A string without a known
//! namespace falls back to the deprecated `org/course/run` form.

use memchr::memmem;
use std::sync::LazyLock;

/// `[\w\-~.:]` with Unicode `\w`.
fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '~' | '.' | ':')
}

/// `[\w\-~.:%]` (block ids).
fn is_block_char(c: char) -> bool {
    is_id_char(c) || c == '%'
}

/// `[\w.%-]` (deprecated `org/course/run` parts).
fn is_deprecated_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '%' | '-')
}

/// Which kind of key a namespace denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Course,
    Library,
    Ccx,
}

/// A parsed course key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseKey<'a> {
    pub kind: KeyKind,
    pub deprecated: bool,
    pub org: Option<&'a str>,
    pub course: Option<&'a str>,
    pub run: Option<&'a str>,
    pub branch: Option<&'a str>,
    pub version: Option<&'a str>,
    pub ccx: Option<&'a str>,
}

#[derive(Default)]
struct Parts<'a> {
    org: Option<&'a str>,
    course: Option<&'a str>,
    run: Option<&'a str>,
    branch: Option<&'a str>,
    version: Option<&'a str>,
    ccx: Option<&'a str>,
    block_type: Option<&'a str>,
    block_id: Option<&'a str>,
}

fn non_empty_all(s: &str, f: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

/// Parses the part after `NS:` with the shared locator grammar.
fn parse_rest(rest: &str, with_ccx: bool) -> Option<Parts<'_>> {
    let mut p = Parts::default();
    let tokens: Vec<&str> = rest.split('+').collect();
    let mut i = 0;
    // Plain parts: none, or org+course, or org+course+run.
    let plain = tokens.iter().take_while(|t| !t.contains('@')).count();
    match plain {
        0 => {}
        2 | 3 => {
            for (slot, t) in [&mut p.org, &mut p.course, &mut p.run].into_iter().zip(&tokens[..plain]) {
                if !non_empty_all(t, is_id_char) {
                    return None;
                }
                *slot = Some(*t);
            }
            i = plain;
        }
        _ => return None,
    }
    // Prefixed parts, in grammar order.
    let order: &[&str] =
        if with_ccx { &["branch", "version", "ccx", "type", "block"] } else { &["branch", "version", "type", "block"] };
    let mut next = 0;
    while i < tokens.len() {
        let (prefix, val) = tokens[i].split_once('@')?;
        let pos = order[next..].iter().position(|o| *o == prefix)? + next;
        next = pos + 1;
        let ok = match prefix {
            "branch" | "type" => non_empty_all(val, is_id_char),
            "version" => {
                if with_ccx {
                    non_empty_all(val, |c| c.is_ascii_hexdigit())
                } else {
                    non_empty_all(val, |c| matches!(c, '0'..='9' | 'a'..='f'))
                }
            }
            "ccx" => non_empty_all(val, |c| c.is_ascii_digit()),
            "block" => {
                // block@ is last: nothing may follow.
                i + 1 == tokens.len()
                    && if with_ccx { non_empty_all(val, is_id_char) } else { non_empty_all(val, is_block_char) }
            }
            _ => false,
        };
        if !ok {
            return None;
        }
        match prefix {
            "branch" => p.branch = Some(val),
            "version" => p.version = Some(val),
            "ccx" => p.ccx = Some(val),
            "type" => p.block_type = Some(val),
            _ => p.block_id = Some(val),
        }
        i += 1;
    }
    if rest.ends_with('\n') {
        return None;
    }
    // bson ObjectId: exactly 24 hex digits.
    if let Some(v) = p.version {
        if v.len() != 24 {
            return None;
        }
    }
    Some(p)
}

fn course_from_parts<'a>(kind: KeyKind, p: &Parts<'a>) -> Option<CourseKey<'a>> {
    let ok = match kind {
        KeyKind::Course => p.version.is_some() || (p.org.is_some() && p.course.is_some() && p.run.is_some()),
        KeyKind::Ccx => {
            p.ccx.is_some() && (p.version.is_some() || (p.org.is_some() && p.course.is_some() && p.run.is_some()))
        }
        KeyKind::Library => p.version.is_some() || (p.org.is_some() && p.course.is_some()),
    };
    if !ok {
        return None;
    }
    Some(CourseKey {
        kind,
        deprecated: false,
        org: p.org,
        course: p.course,
        run: if kind == KeyKind::Library { None } else { p.run },
        branch: p.branch,
        version: p.version,
        ccx: p.ccx,
    })
}

fn parse_deprecated(s: &str) -> Option<CourseKey<'_>> {
    let mut it = s.split('/');
    let (org, course, run) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    if !non_empty_all(org, is_deprecated_char)
        || !non_empty_all(course, is_deprecated_char)
        || !run.chars().all(is_deprecated_char)
    {
        return None;
    }
    Some(CourseKey {
        kind: KeyKind::Course,
        deprecated: true,
        org: Some(org),
        course: Some(course),
        run: Some(run),
        branch: None,
        version: None,
        ccx: None,
    })
}

/// `CourseKey.from_string(s)`.
pub fn parse_course_key(s: &str, ccx_enabled: bool) -> Option<CourseKey<'_>> {
    if let Some(c) = memchr::memchr(b':', s.as_bytes()) {
        let (ns, rest) = (&s[..c], &s[c + 1..]);
        let kind = match ns {
            "course-v1" | "slashes" => Some(KeyKind::Course),
            "library-v1" => Some(KeyKind::Library),
            "ccx-v1" if ccx_enabled => Some(KeyKind::Ccx),
            _ => None,
        };
        if let Some(kind) = kind {
            if let Some(p) = parse_rest(rest, kind == KeyKind::Ccx) {
                if let Some(k) = course_from_parts(kind, &p) {
                    return Some(k);
                }
            }
        }
    }
    parse_deprecated(s)
}

/// `opaque_key_util.is_valid_course_id` (§1.6).
pub fn is_valid_course_id(s: &str, ccx_enabled: bool) -> bool {
    if s.is_empty() || s.len() > 512 {
        return !s.is_empty() && !s.ends_with('\n') && parse_course_key(s, ccx_enabled).is_some();
    }
    // Logs repeat a small set of course ids: memoise validity (bounded, per thread).
    VALIDITY.with(|cell| {
        let mut cache = cell.borrow_mut();
        let map = &mut cache[usize::from(ccx_enabled)];
        if let Some(v) = map.get(s) {
            return *v;
        }
        let v = !s.ends_with('\n') && parse_course_key(s, ccx_enabled).is_some();
        if map.len() >= 4096 {
            map.clear();
        }
        map.insert(s.into(), v);
        v
    })
}

/// A small multiplicative hasher (course ids are short; SipHash dominated the lookup).
#[derive(Default, Clone, Copy)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

type ValidityCache = [std::collections::HashMap<Box<str>, bool, std::hash::BuildHasherDefault<FastHasher>>; 2];

thread_local! {
    static VALIDITY: std::cell::RefCell<ValidityCache> = std::cell::RefCell::new(Default::default());
}

impl CourseKey<'_> {
    /// The namespace-less serialisation (`_to_string` / `_to_deprecated_string`).
    pub fn to_plain_string(&self) -> String {
        if self.deprecated {
            return format!("{}/{}/{}", self.org.unwrap_or(""), self.course.unwrap_or(""), self.run.unwrap_or(""));
        }
        let mut parts: Vec<String> = Vec::new();
        let has_main = match self.kind {
            KeyKind::Library => self.org.is_some() && self.course.is_some(),
            _ => self.course.is_some() && self.run.is_some(),
        };
        if has_main {
            parts.push(self.org.unwrap_or("").to_string());
            parts.push(self.course.unwrap_or("").to_string());
            if self.kind != KeyKind::Library {
                parts.push(self.run.unwrap_or("").to_string());
            }
            if let Some(b) = self.branch {
                parts.push(format!("branch@{b}"));
            }
        }
        if let Some(v) = self.version {
            parts.push(format!("version@{v}"));
        }
        if let Some(c) = self.ccx {
            parts.push(format!("ccx@{c}"));
        }
        parts.join("+")
    }

    /// `unicode(key)`: canonical serialisation.
    pub fn to_canonical_string(&self) -> String {
        if self.deprecated {
            return self.to_plain_string();
        }
        let ns = match self.kind {
            KeyKind::Course => "course-v1",
            KeyKind::Library => "library-v1",
            KeyKind::Ccx => "ccx-v1",
        };
        let plain = self.to_plain_string();
        let mut out = String::with_capacity(ns.len() + 1 + plain.len());
        out.push_str(ns);
        out.push(':');
        out.push_str(&plain);
        out
    }
}

/// `BlockUsageLocator.from_string(block_id).course_key`, serialised.
fn course_of_usage_key(block_id: &str, ccx_enabled: bool) -> Option<String> {
    let (ns, rest) = block_id.split_once(':')?;
    let kind = match ns {
        "block-v1" => KeyKind::Course,
        "lib-block-v1" => KeyKind::Library,
        "ccx-block-v1" if ccx_enabled => KeyKind::Ccx,
        _ => return None,
    };
    let p = parse_rest(rest, kind == KeyKind::Ccx)?;
    p.block_type?;
    p.block_id?;
    course_from_parts(kind, &p).map(|k| k.to_canonical_string())
}

/// Matches `[^/+]+(/|\+)[^/+]+(/|\+)[^<stop>]+` at the start of `s`; returns the matched text.
fn match_key_pattern<'a>(s: &'a str, third_stop: &[char]) -> Option<&'a str> {
    let is_sep = |c: char| c == '/' || c == '+';
    let i = s.find(is_sep)?;
    if i == 0 {
        return None;
    }
    let rest = &s[i + 1..];
    let j = rest.find(is_sep)?;
    if j == 0 {
        return None;
    }
    let rest2 = &rest[j + 1..];
    let k = rest2.find(third_stop).unwrap_or(rest2.len());
    if k == 0 {
        return None;
    }
    Some(&s[..i + 1 + j + 1 + k])
}

/// `(?!v[0-9]+/[^/]+)` at the start of `s`: true when the look-ahead would match (i.e. reject).
fn is_versioned_api_path(s: &str) -> bool {
    let Some(r) = s.strip_prefix('v') else {
        return false;
    };
    let digits = r.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let r = &r[digits..];
    match r.strip_prefix('/') {
        Some(after) => after.chars().next().is_some_and(|c| c != '/'),
        None => false,
    }
}

/// `get_course_key_from_url(url)` → canonical course id (§1.5 step 3).
pub fn course_id_from_url(url: &str, ccx_enabled: bool) -> Option<String> {
    // `.*?` does not cross a newline.
    let head_limit = memchr::memchr(b'\n', url.as_bytes()).unwrap_or(url.len());
    // Searchers built once: `str::find` sets up a two-way searcher per call, which cost more than the rest of this.
    static XBLOCK_FINDER: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(XBLOCK));
    static COURSES_FINDER: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new(COURSES));
    const XBLOCK: &str = "/xblock/";
    const COURSES: &str = "/courses/";
    let mut from = 0;
    while let Some(pos) = XBLOCK_FINDER.find(&url.as_bytes()[from..]) {
        let start = from + pos;
        if start > head_limit {
            break;
        }
        let after = &url[start + XBLOCK.len()..];
        if let Some(block_id) = match_key_pattern(after, &['/', '?', '#']) {
            return course_of_usage_key(block_id, ccx_enabled);
        }
        from = start + 1;
    }
    let mut from = 0;
    while let Some(pos) = COURSES_FINDER.find(&url.as_bytes()[from..]) {
        let start = from + pos;
        if start > head_limit {
            break;
        }
        let after = &url[start + COURSES.len()..];
        if !is_versioned_api_path(after) {
            if let Some(cid) = match_key_pattern(after, &['/', '?']) {
                return parse_course_key(cid, ccx_enabled).map(|k| k.to_canonical_string());
            }
        }
        from = start + 1;
    }
    None
}

/// `get_org_id_for_course`.
pub fn org_id(course_id: &str, ccx_enabled: bool) -> Option<String> {
    parse_course_key(course_id, ccx_enabled).and_then(|k| k.org.map(str::to_string))
}

/// `get_filename_safe_course_id(course_id, '_')`.
pub fn filename_safe_course_id(course_id: &str, ccx_enabled: bool) -> String {
    let base = match parse_course_key(course_id, ccx_enabled) {
        Some(k) => k.to_plain_string(),
        None => course_id.to_string(),
    };
    base.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids() {
        for s in [
            "edX/DemoX/Demo_Course",
            "org/course/",
            "course-v1:edX+DemoX+Demo_Course",
            "course-v1:edX+DemoX+Demo_Course+branch@draft",
            "course-v1:edX+DemoX+Demo_Course+branch@draft+version@519665f6223ebd6980884f2b",
            "course-v1:version@519665f6223ebd6980884f2b",
            "slashes:edX+DemoX+Demo_Course",
            "library-v1:UniX+PhysicsProbs",
            "course-v1:Écoles+Cours+2014",
            "course-v1:a.b~c:d+e+f",
        ] {
            assert!(is_valid_course_id(s, false), "{s}");
        }
    }

    #[test]
    fn invalid_ids() {
        for s in [
            "",
            "edX/DemoX",
            "edX/DemoX/Demo/Course",
            "/DemoX/Demo_Course",
            "edX//Demo_Course",
            "edX/Demo X/Demo_Course",
            "edX/DemoX/Demo_Course\n",
            "course-v1:edX+DemoX",
            "course-v1:edX+DemoX+Demo_Course+",
            "course-v1:edX+DemoX+Demo_Course+version@abc",
            "course-v1:+DemoX+Demo",
            "course-v1:edX+DemoX+Demo Course",
            "ccx-v1:edX+DemoX+Demo_Course+ccx@1",
            "foo:edX+DemoX+Demo_Course",
            "course-v1:edX+DemoX+Demo_Course+branch@",
        ] {
            assert!(!is_valid_course_id(s, false), "{s:?}");
        }
        assert!(is_valid_course_id("ccx-v1:edX+DemoX+Demo_Course+ccx@1", true));
        assert!(!is_valid_course_id("ccx-v1:edX+DemoX+Demo_Course", true));
    }

    #[test]
    fn urls() {
        let f = |u: &str| course_id_from_url(u, false);
        assert_eq!(f("/courses/edX/DemoX/Demo_Course/courseware/x").as_deref(), Some("edX/DemoX/Demo_Course"));
        assert_eq!(f("https://h/courses/course-v1:edX+DemoX+T1/info?x=1").as_deref(), Some("course-v1:edX+DemoX+T1"));
        assert_eq!(
            f("https://h/xblock/block-v1:edX+DemoX+T1+type@vertical+block@abc?x").as_deref(),
            Some("course-v1:edX+DemoX+T1")
        );
        assert_eq!(f("/api/courses/v1/blocks/x"), None);
        assert_eq!(f("/courses/v1/edX/DemoX/T1"), None);
        assert_eq!(f("/courses/edX+DemoX/T1/"), None);
        assert_eq!(f("/courses/slashes:edX+DemoX+T1/x").as_deref(), Some("course-v1:edX+DemoX+T1"));
    }

    #[test]
    fn safe_ids() {
        assert_eq!(filename_safe_course_id("edX/Open_DemoX/edx_demo_course", false), "edX_Open_DemoX_edx_demo_course");
        assert_eq!(filename_safe_course_id("course-v1:AcceptanceX+A101+T12014", false), "AcceptanceX_A101_T12014");
        assert_eq!(org_id("course-v1:AcceptanceX+A101+T12014", false).as_deref(), Some("AcceptanceX"));
    }
}
