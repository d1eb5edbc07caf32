//! The long observations table every parser produces and the pipeline consumes.
//!
//! Columns: `source` (catalogue id), `area_code` (GSS code as published, any vintage),
//! `period` (normalised label, e.g. `2022/23` or `2021`), `measure` (e.g. `ks4_appren`),
//! `value` (f64, null when the status carries no number), `status` (see `lmi_core::Status`) and
//! `flags` (the publisher's own flags when it has them, e.g. Nomis `OBS_STATUS=Q;OBS_CONF=F`).

use lmi_core::Status;
use polars::prelude::*;

pub use lmi_core::schema::observations::{
    AREA_CODE, FLAGS, MEASURE, PERIOD, SOURCE, STATUS, VALUE,
};

/// Row-wise builder for the observations table.
///
/// A national file repeats a few thousand distinct codes, periods and measures across millions
/// of rows, so each row holds four indices into one table of distinct strings instead of four
/// strings of its own: a row costs 56 bytes and no allocation, and the columns are written out
/// once, by [`Observations::into_frame`].
#[derive(Debug, Default)]
pub struct Observations {
    strings: Interner,
    source: Vec<u32>,
    area_code: Vec<u32>,
    period: Vec<u32>,
    measure: Vec<u32>,
    value: Vec<Option<f64>>,
    status: Vec<&'static str>,
    flags: Vec<Option<u32>>,
}

/// Distinct strings, each stored once, by index. Remembers the last string looked up in each
/// column, since parsers mostly push the same source, area or period many times in a row.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    strings: Vec<Box<str>>,
    index: PlHashMap<Box<str>, u32>,
    last: [Option<u32>; 5],
}

impl Interner {
    fn intern(&mut self, column: usize, s: &str) -> u32 {
        if let Some(i) = self.last[column]
            && *self.strings[i as usize] == *s
        {
            return i;
        }
        let i = self.id(s);
        self.last[column] = Some(i);
        i
    }

    /// The index of `s`, added when new (no per-column memory: for keys made of several
    /// strings, such as a parser's duplicate check).
    pub(crate) fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = u32::try_from(self.strings.len())
            .expect("fewer than 2^32 distinct strings in one observations table");
        self.strings.push(s.into());
        self.index.insert(s.into(), i);
        i
    }

    fn get(&self, i: u32) -> &str {
        &self.strings[i as usize]
    }
}

// The interner's columns (which `last` slot a lookup uses).
const SOURCE_COLUMN: usize = 0;
const AREA_COLUMN: usize = 1;
const PERIOD_COLUMN: usize = 2;
const MEASURE_COLUMN: usize = 3;
const FLAGS_COLUMN: usize = 4;

impl Observations {
    pub fn push(
        &mut self,
        source: &str,
        area_code: &str,
        period: &str,
        measure: &str,
        value: Option<f64>,
        status: Status,
    ) {
        let s = &mut self.strings;
        self.source.push(s.intern(SOURCE_COLUMN, source));
        self.area_code.push(s.intern(AREA_COLUMN, area_code));
        self.period.push(s.intern(PERIOD_COLUMN, period));
        self.measure.push(s.intern(MEASURE_COLUMN, measure));
        self.value.push(value.filter(|_| status.has_value()));
        self.status.push(status.as_str());
        self.flags.push(None);
    }

    /// As [`Observations::push`], keeping the publisher's flags for the cell.
    #[allow(clippy::too_many_arguments)]
    pub fn push_flagged(
        &mut self,
        source: &str,
        area_code: &str,
        period: &str,
        measure: &str,
        value: Option<f64>,
        status: Status,
        flags: &str,
    ) {
        self.push(source, area_code, period, measure, value, status);
        let flags = self.strings.intern(FLAGS_COLUMN, flags);
        if let Some(last) = self.flags.last_mut() {
            *last = Some(flags);
        }
    }

    /// Adds `measure` = `from` x `times` x `factor` for every (source, area, period) of rows
    /// `start..` where both have a value; the status is `from`'s. Returns the rows added.
    pub fn derive_product(
        &mut self,
        start: usize,
        measure: &str,
        from: &str,
        times: &str,
        factor: f64,
    ) -> usize {
        let end = self.len();
        let (Some(&from), Some(&times)) =
            (self.strings.index.get(from), self.strings.index.get(times))
        else {
            // A measure never pushed has no rows to multiply.
            return 0;
        };
        let key = |o: &Observations, i: usize| (o.source[i], o.area_code[i], o.period[i]);
        let mut by_key = PlHashMap::new();
        for i in start..end {
            if self.measure[i] == times
                && let Some(v) = self.value[i]
            {
                by_key.insert(key(self, i), v);
            }
        }
        let measure = self.strings.intern(MEASURE_COLUMN, measure);
        let mut added = 0;
        for i in start..end {
            if self.measure[i] != from {
                continue;
            }
            if let (Some(v), Some(t)) = (self.value[i], by_key.get(&key(self, i))) {
                self.source.push(self.source[i]);
                self.area_code.push(self.area_code[i]);
                self.period.push(self.period[i]);
                self.measure.push(measure);
                self.value.push(Some(v * t * factor));
                self.status.push(self.status[i]);
                self.flags.push(self.flags[i]);
                added += 1;
            }
        }
        added
    }

    /// Adds `measure` = the sum of `parts` for every (source, area, period) of rows `start..`
    /// that has any of them: with a value and the status ok only when every part has a value,
    /// suppressed without a value otherwise. Returns the rows added.
    pub fn derive_sum(&mut self, start: usize, measure: &str, parts: &[&str]) -> usize {
        let end = self.len();
        let ids: Vec<_> = parts
            .iter()
            .map(|p| self.strings.index.get(*p).copied())
            .collect();
        let key = |o: &Observations, i: usize| (o.source[i], o.area_code[i], o.period[i]);
        // key -> (first row, parts seen, sum of known values, any unknown)
        let mut groups: Vec<_> = Vec::new();
        let mut by_key = PlHashMap::new();
        for i in start..end {
            if !ids.contains(&Some(self.measure[i])) {
                continue;
            }
            let g = *by_key.entry(key(self, i)).or_insert_with(|| {
                groups.push((i, 0usize, 0.0f64, false));
                groups.len() - 1
            });
            let group = &mut groups[g];
            group.1 += 1;
            match self.value[i] {
                Some(v) => group.2 += v,
                None => group.3 = true,
            }
        }
        let measure = self.strings.intern(MEASURE_COLUMN, measure);
        let added = groups.len();
        for (i, seen, sum, unknown) in groups {
            let complete = seen == parts.len() && !unknown;
            self.source.push(self.source[i]);
            self.area_code.push(self.area_code[i]);
            self.period.push(self.period[i]);
            self.measure.push(measure);
            self.value.push(complete.then_some(sum));
            self.status.push(if complete {
                Status::Ok.as_str()
            } else {
                Status::Suppressed.as_str()
            });
            self.flags.push(None);
        }
        added
    }

    pub fn len(&self) -> usize {
        self.source.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// The distinct periods held.
    pub fn periods(&self) -> std::collections::BTreeSet<String> {
        let distinct: PlHashSet<u32> = self.period.iter().copied().collect();
        distinct
            .into_iter()
            .map(|i| self.strings.get(i).to_owned())
            .collect()
    }

    /// Moves every row of `other` to the end of this table (a source parsed on its own is added
    /// only once it parsed whole).
    pub fn append(&mut self, other: Observations) {
        let Observations {
            strings,
            source,
            area_code,
            period,
            measure,
            mut value,
            mut status,
            flags,
        } = other;
        // Each of `other`'s strings once, to its index here.
        let to_here: Vec<u32> = strings
            .strings
            .iter()
            .map(|s| self.strings.intern(FLAGS_COLUMN, s))
            .collect();
        let map = |ids: Vec<u32>| ids.into_iter().map(|i| to_here[i as usize]);
        self.source.extend(map(source));
        self.area_code.extend(map(area_code));
        self.period.extend(map(period));
        self.measure.extend(map(measure));
        self.value.append(&mut value);
        self.status.append(&mut status);
        self.flags
            .extend(flags.into_iter().map(|f| f.map(|i| to_here[i as usize])));
    }

    pub fn into_frame(self) -> PolarsResult<DataFrame> {
        let height = self.len();
        // Every distinct string once; each string column gathers from it by index, which copies
        // only the 16-byte views and shares the one buffer of string bytes (a source id or a
        // measure name is not copied into every row that holds it).
        let distinct = StringChunked::from_iter_values(
            PlSmallStr::EMPTY,
            self.strings.strings.iter().map(|s| &**s),
        );
        let gather = |name: &str, ids: IdxCa| -> PolarsResult<Column> {
            Ok(distinct.take(&ids)?.with_name(name.into()).into_column())
        };
        let index = |ids: &[u32]| -> IdxCa {
            ids.iter()
                .map(|&i| i as IdxSize)
                .collect_ca(PlSmallStr::EMPTY)
        };
        let flags: IdxCa = self
            .flags
            .iter()
            .map(|f| f.map(|i| i as IdxSize))
            .collect_ca(PlSmallStr::EMPTY);
        DataFrame::new(
            height,
            vec![
                gather(SOURCE, index(&self.source))?,
                gather(AREA_CODE, index(&self.area_code))?,
                gather(PERIOD, index(&self.period))?,
                gather(MEASURE, index(&self.measure))?,
                Column::new(VALUE.into(), self.value),
                Column::new(STATUS.into(), self.status),
                gather(FLAGS, flags)?,
            ],
        )
    }
}

/// The rows of an observations table whose source is (`keep`) or is not (`!keep`) one of `ids`:
/// how a refresh carries one source over from a published snapshot, or sets one aside.
pub fn filter_sources(df: &DataFrame, ids: &[&str], keep: bool) -> PolarsResult<DataFrame> {
    let named = ids
        .iter()
        .fold(lit(false), |acc, id| acc.or(col(SOURCE).eq(lit(*id))));
    let predicate = if keep { named } else { named.not() };
    df.clone().lazy().filter(predicate).collect()
}

/// Observations tables one after the other (same schema).
pub fn concat_frames(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    if frames.len() == 1 {
        return Ok(frames.into_iter().next().unwrap_or_default());
    }
    let lazy: Vec<LazyFrame> = frames.into_iter().map(IntoLazy::lazy).collect();
    concat(lazy, UnionArgs::default())?.collect()
}

/// An empty observations frame with the right schema.
pub fn empty_frame() -> PolarsResult<DataFrame> {
    Observations::default().into_frame()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppressed_observation_has_no_value() {
        let mut obs = Observations::default();
        obs.push(
            "s",
            "E07000117",
            "2022/23",
            "ks4_appren",
            Some(0.0),
            Status::Suppressed,
        );
        obs.push(
            "s",
            "E07000117",
            "2022/23",
            "ks4_cohort",
            Some(900.0),
            Status::Ok,
        );
        let df = obs.into_frame().unwrap();
        let values = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(values.get(0), None);
        assert_eq!(values.get(1), Some(900.0));
    }

    #[test]
    fn a_derived_product_needs_both_values_and_keeps_the_status_of_its_source() {
        let mut o = Observations::default();
        o.push("s", "E1", "2021", "pp", Some(2.5), Status::Ok);
        o.push("s", "E1", "2021", "den", Some(1000.0), Status::Ok);
        o.push("s", "E2", "2021", "pp", Some(1.0), Status::Ok);
        o.push("s", "E2", "2021", "den", None, Status::Suppressed);
        o.push("s", "E3", "2021", "pp", Some(1.0), Status::LowReliability);
        o.push("s", "E3", "2021", "den", Some(200.0), Status::Ok);
        assert_eq!(o.derive_product(0, "pm", "pp", "den", 0.01), 2);
        let df = o.into_frame().unwrap();
        let measures: Vec<Option<&str>> =
            df.column(MEASURE).unwrap().str().unwrap().iter().collect();
        let keep: Vec<usize> = (0..df.height())
            .filter(|&i| measures[i] == Some("pm"))
            .collect();
        let all_values: Vec<Option<f64>> =
            df.column(VALUE).unwrap().f64().unwrap().iter().collect();
        let all_status: Vec<Option<&str>> =
            df.column(STATUS).unwrap().str().unwrap().iter().collect();
        let values: Vec<Option<f64>> = keep.iter().map(|&i| all_values[i]).collect();
        let status: Vec<Option<&str>> = keep.iter().map(|&i| all_status[i]).collect();
        assert_eq!(values, vec![Some(25.0), Some(2.0)]);
        assert_eq!(status, vec![Some("ok"), Some("low_reliability")]);
    }

    #[test]
    fn appended_tables_keep_their_own_strings_and_flags() {
        let mut a = Observations::default();
        a.push("a", "E1", "2021", "m", Some(1.0), Status::Ok);
        a.push_flagged("a", "E2", "2022", "m", Some(2.0), Status::Ok, "Q");
        let mut b = Observations::default();
        // The same strings in another order, so another index for each, and new ones.
        b.push_flagged("b", "E2", "2022", "n", Some(3.0), Status::Ok, "F");
        b.push("a", "E1", "2023", "m", None, Status::Suppressed);
        a.append(b);
        assert_eq!(a.len(), 4);
        assert_eq!(
            a.periods().into_iter().collect::<Vec<_>>(),
            ["2021", "2022", "2023"]
        );
        let df = a.into_frame().unwrap();
        let text = |c: &str| -> Vec<Option<String>> {
            df.column(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|s| s.map(str::to_owned))
                .collect()
        };
        let some = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
        assert_eq!(text(SOURCE), some(&["a", "a", "b", "a"]));
        assert_eq!(text(AREA_CODE), some(&["E1", "E2", "E2", "E1"]));
        assert_eq!(text(PERIOD), some(&["2021", "2022", "2022", "2023"]));
        assert_eq!(text(MEASURE), some(&["m", "m", "n", "m"]));
        assert_eq!(
            text(FLAGS),
            vec![None, Some("Q".to_owned()), Some("F".to_owned()), None]
        );
        assert_eq!(text(STATUS)[3].as_deref(), Some("suppressed"));
    }
}
