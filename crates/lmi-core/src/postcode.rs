//! Postcodes: parsing any spacing or case into one normalised form packed into a `u64`, and the
//! compact postcode directory a snapshot serves (ONS's National Statistics Postcode Lookup,
//! issue 26): sorted packed keys searched by bisection, one small row of integer ids per
//! postcode, every code string held once. No `HashMap<String, _>` of millions of entries.
//!
//! Ingest validates each row with [`Postcode::parse`], the store builds the directory from the
//! snapshot's `postcodes` table at load ([`PostcodeDirectoryBuilder`]), lmi-report answers from
//! it, and the benchmark (`scripts/bench/postcodes.py`) measures it.

use std::collections::HashMap;
use std::fmt;

/// A UK postcode, normalised: upper case, no spaces, outward code then the 3-character inward
/// code. Packed as its (at most 7) ASCII bytes, left-aligned in a `u64`, so keys sort as the
/// strings do and the published form (`outward inward`) is rebuilt from the key alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Postcode(u64);

/// Why a text is not a postcode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a UK postcode: {reason} (expected e.g. `PR1 1AA`: an outward code of 2 to 4 letters and digits starting with a letter, then a digit and two letters)"
)]
pub struct PostcodeError {
    pub input: String,
    pub reason: String,
}

impl Postcode {
    /// Parses a postcode in any case and spacing (`PR1 1AA`, `pr11aa`, ` PR1  1AA `). The
    /// outward code is 2 to 4 letters and digits, starting with a letter and holding a digit
    /// (or `GIR`, Girobank's); the inward code a digit and two letters.
    pub fn parse(input: &str) -> Result<Postcode, PostcodeError> {
        let bad = |reason: String| PostcodeError {
            input: input.to_owned(),
            reason,
        };
        let mut chars = [0u8; 7];
        let mut n = 0;
        for c in input.chars() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                return Err(bad(format!("`{c}` is neither a letter nor a digit")));
            }
            if n == 7 {
                return Err(bad("more than 7 letters and digits".into()));
            }
            chars[n] = c.to_ascii_uppercase() as u8;
            n += 1;
        }
        if n < 5 {
            return Err(bad(format!(
                "{n} letters and digits, a postcode has 5 to 7"
            )));
        }
        let (outward, inward) = chars[..n].split_at(n - 3);
        if !(inward[0].is_ascii_digit()
            && inward[1].is_ascii_alphabetic()
            && inward[2].is_ascii_alphabetic())
        {
            return Err(bad(format!(
                "the inward code `{}` is not a digit then two letters",
                String::from_utf8_lossy(inward)
            )));
        }
        if !outward[0].is_ascii_alphabetic() {
            return Err(bad(format!(
                "the outward code `{}` does not start with a letter",
                String::from_utf8_lossy(outward)
            )));
        }
        if !(outward.iter().any(u8::is_ascii_digit) || outward == b"GIR") {
            return Err(bad(format!(
                "the outward code `{}` has no digit",
                String::from_utf8_lossy(outward)
            )));
        }
        let mut key = 0u64;
        for (i, &b) in chars.iter().enumerate() {
            key |= u64::from(b) << (8 * (7 - i));
        }
        Ok(Postcode(key))
    }

    /// The packed key (sorts as the normalised strings do).
    pub fn key(self) -> u64 {
        self.0
    }

    /// Letters and digits, no space (`PR11AA`).
    pub fn compact(self) -> String {
        (0..7)
            .map(|i| (self.0 >> (8 * (7 - i))) as u8)
            .take_while(|&b| b != 0)
            .map(char::from)
            .collect()
    }
}

/// The published form, `outward inward` with one space (`PR1 1AA`), as ONS's `pcds` column.
impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.compact();
        let (outward, inward) = s.split_at(s.len() - 3);
        write!(f, "{outward} {inward}")
    }
}

/// One postcode's row of the directory as the file publishes it (codes as published; the
/// areas lmi answers with are resolved from them and the snapshot's registry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostcodeRecord<'a> {
    pub postcode: Postcode,
    /// Local authority district (`laua`).
    pub lad_code: &'a str,
    /// 2021 Lower layer Super Output Area (`lsoa21`), when the file gives one.
    pub lsoa_code: Option<&'a str>,
    /// Travel to Work Area (`ttwa`), when the file gives one.
    pub ttwa_code: Option<&'a str>,
    /// County (`cty`), when the file gives one (`E99999999`, "not in a county", is none).
    pub county_code: Option<&'a str>,
    /// Region (`rgn`), when the file gives one.
    pub region_code: Option<&'a str>,
    /// Month of termination (`doterm`, `YYYYMM`), `None` for a live postcode.
    pub terminated: Option<u32>,
}

const NONE: u32 = u32::MAX;

/// One postcode: ids into the directory's code strings (`NONE` when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    lad: u32,
    lsoa: u32,
    ttwa: u32,
    county: u32,
    region: u32,
    /// `YYYYMM`, 0 when live.
    terminated: u32,
}

/// The postcode directory of one snapshot: keys sorted for bisection, rows beside them, each
/// distinct code string once. About 32 bytes a postcode (2.7 million: ~90 MB) against several
/// hundred for a map of strings (measured by `scripts/bench/postcodes.py`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostcodeDirectory {
    keys: Vec<u64>,
    rows: Vec<Row>,
    codes: Vec<String>,
}

impl PostcodeDirectory {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The postcode's row, by bisection of the sorted keys.
    pub fn get(&self, postcode: Postcode) -> Option<PostcodeRecord<'_>> {
        let i = self.keys.binary_search(&postcode.key()).ok()?;
        Some(self.record(i))
    }

    /// Every postcode, in key order.
    pub fn iter(&self) -> impl Iterator<Item = PostcodeRecord<'_>> {
        (0..self.keys.len()).map(|i| self.record(i))
    }

    fn record(&self, i: usize) -> PostcodeRecord<'_> {
        let r = self.rows[i];
        let code = |id: u32| (id != NONE).then(|| self.codes[id as usize].as_str());
        PostcodeRecord {
            postcode: Postcode(self.keys[i]),
            lad_code: code(r.lad).unwrap_or(""),
            lsoa_code: code(r.lsoa),
            ttwa_code: code(r.ttwa),
            county_code: code(r.county),
            region_code: code(r.region),
            terminated: (r.terminated != 0).then_some(r.terminated),
        }
    }

    /// Heap bytes held (keys, rows and code strings), for the benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8
            + self.rows.capacity() * std::mem::size_of::<Row>()
            + self.codes.iter().map(|c| c.capacity() + 24).sum::<usize>()
    }
}

/// Why a directory cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("row {row}: {source}")]
    Postcode { row: usize, source: PostcodeError },
    #[error("row {row}: termination date `{found}` is not a month `YYYYMM`")]
    Terminated { row: usize, found: String },
    #[error("row {row}: no district code")]
    NoDistrict { row: usize },
    #[error("postcode {0} is listed twice")]
    Duplicate(String),
}

/// Builds a [`PostcodeDirectory`] one row at a time, interning codes as it goes.
#[derive(Debug, Default)]
pub struct PostcodeDirectoryBuilder {
    keys: Vec<u64>,
    rows: Vec<Row>,
    codes: Vec<String>,
    ids: HashMap<String, u32>,
}

/// A code column's value: empty and ONS's "no such area" pseudo-codes (`E99999999`, …) are none.
fn present(code: Option<&str>) -> Option<&str> {
    code.map(str::trim)
        .filter(|c| !c.is_empty() && !c.ends_with("99999999"))
}

/// Parses `doterm`: `None` when empty, `YYYYMM` otherwise.
pub fn parse_terminated(doterm: &str) -> Result<Option<u32>, String> {
    let t = doterm.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(v) if t.len() == 6 && (1..=12).contains(&(v % 100)) => Ok(Some(v)),
        _ => Err(t.to_owned()),
    }
}

impl PostcodeDirectoryBuilder {
    pub fn with_capacity(n: usize) -> Self {
        PostcodeDirectoryBuilder {
            keys: Vec::with_capacity(n),
            rows: Vec::with_capacity(n),
            ..Default::default()
        }
    }

    fn intern(&mut self, code: Option<&str>) -> u32 {
        let Some(code) = present(code) else {
            return NONE;
        };
        if let Some(&id) = self.ids.get(code) {
            return id;
        }
        let id = self.codes.len() as u32;
        self.codes.push(code.to_owned());
        self.ids.insert(code.to_owned(), id);
        id
    }

    /// Adds one row: the postcode as published (any spacing), its codes and `doterm`.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        postcode: &str,
        lad: &str,
        lsoa: Option<&str>,
        ttwa: Option<&str>,
        county: Option<&str>,
        region: Option<&str>,
        doterm: Option<&str>,
    ) -> Result<(), DirectoryError> {
        let row = self.keys.len() + 1;
        let pc =
            Postcode::parse(postcode).map_err(|source| DirectoryError::Postcode { row, source })?;
        let terminated = parse_terminated(doterm.unwrap_or(""))
            .map_err(|found| DirectoryError::Terminated { row, found })?
            .unwrap_or(0);
        let lad = self.intern(Some(lad));
        if lad == NONE {
            return Err(DirectoryError::NoDistrict { row });
        }
        let r = Row {
            lad,
            lsoa: self.intern(lsoa),
            ttwa: self.intern(ttwa),
            county: self.intern(county),
            region: self.intern(region),
            terminated,
        };
        self.keys.push(pc.key());
        self.rows.push(r);
        Ok(())
    }

    /// Sorts by key; a postcode listed twice is an error.
    pub fn finish(self) -> Result<PostcodeDirectory, DirectoryError> {
        let PostcodeDirectoryBuilder {
            keys, rows, codes, ..
        } = self;
        let sorted = keys.windows(2).all(|w| w[0] < w[1]);
        let (mut keys, mut rows) = (keys, rows);
        if !sorted {
            let mut order: Vec<u32> = (0..keys.len() as u32).collect();
            order.sort_unstable_by_key(|&i| keys[i as usize]);
            keys = order.iter().map(|&i| keys[i as usize]).collect();
            rows = order.iter().map(|&i| rows[i as usize]).collect();
        }
        if let Some(w) = keys.windows(2).find(|w| w[0] == w[1]) {
            return Err(DirectoryError::Duplicate(Postcode(w[0]).to_string()));
        }
        keys.shrink_to_fit();
        rows.shrink_to_fit();
        Ok(PostcodeDirectory { keys, rows, codes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_spacing_and_case_is_the_same_postcode() {
        let want = Postcode::parse("PR1 1AA").unwrap();
        for s in ["pr11aa", " PR1  1AA ", "Pr1 1aA", "PR11AA"] {
            assert_eq!(Postcode::parse(s).unwrap(), want, "{s}");
        }
        assert_eq!(want.to_string(), "PR1 1AA");
        assert_eq!(want.compact(), "PR11AA");
        assert_eq!(Postcode::parse("sw1a1aa").unwrap().to_string(), "SW1A 1AA");
        assert_eq!(Postcode::parse("BB104DD").unwrap().to_string(), "BB10 4DD");
    }

    #[test]
    fn a_malformed_postcode_says_what_is_wrong() {
        let reason = |s: &str| Postcode::parse(s).unwrap_err().reason;
        assert!(reason("PR1").contains("5 to 7"), "{}", reason("PR1"));
        assert!(reason("PR1 1A1").contains("inward code `1A1`"));
        assert!(reason("1PR 1AA").contains("start with a letter"));
        assert!(reason("PR1-1AA").contains("`-`"));
        assert!(reason("ABCD 1AA").contains("no digit"));
        assert!(reason("PR12345 1AA").contains("more than 7"));
    }

    #[test]
    fn keys_sort_as_the_strings_do() {
        let mut pcs = ["PR1 1AA", "B1 1AA", "PR10 1AA", "BB1 2AB", "PR1 0ZZ"];
        let mut keys: Vec<Postcode> = pcs.iter().map(|s| Postcode::parse(s).unwrap()).collect();
        keys.sort();
        pcs.sort_by_key(|s| s.replace(' ', ""));
        let back: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        assert_eq!(back, pcs);
    }

    #[test]
    fn the_directory_finds_each_postcode_and_refuses_duplicates() {
        let mut b = PostcodeDirectoryBuilder::default();
        b.push(
            "PR1 1AA",
            "E07000123",
            Some("E01025000"),
            Some("E30000255"),
            Some("E10000017"),
            Some("E12000002"),
            Some(""),
        )
        .unwrap();
        b.push(
            "BB11 1AA",
            "E07000117",
            None,
            None,
            Some("E99999999"),
            Some("E12000002"),
            Some("202001"),
        )
        .unwrap();
        let d = b.finish().unwrap();
        assert_eq!(d.len(), 2);
        let r = d.get(Postcode::parse("bb111aa").unwrap()).unwrap();
        assert_eq!(r.lad_code, "E07000117");
        assert_eq!(r.county_code, None);
        assert_eq!(r.terminated, Some(202001));
        assert_eq!(d.get(Postcode::parse("PR1 1AB").unwrap()), None);
        let mut b = PostcodeDirectoryBuilder::default();
        b.push("PR1 1AA", "E07000123", None, None, None, None, None)
            .unwrap();
        b.push("pr11aa", "E07000123", None, None, None, None, None)
            .unwrap();
        assert_eq!(
            b.finish().unwrap_err(),
            DirectoryError::Duplicate("PR1 1AA".into())
        );
        let mut b = PostcodeDirectoryBuilder::default();
        let err = b
            .push("PR1 1AA", "E07000123", None, None, None, None, Some("2020"))
            .unwrap_err();
        assert!(err.to_string().contains("`2020`"), "{err}");
    }
}
