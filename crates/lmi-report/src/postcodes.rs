//! Postcode lookups (issue 26): the areas a postcode lies in, from the snapshot's postcode
//! directory (`lmi_core::postcode::PostcodeDirectory`, indexed when the snapshot loaded) and the
//! snapshot's own area registry.
//!
//! How each area is found:
//! - **district**: the directory's `laua`, mapped to the current district through the
//!   registry's successors when ONS has since re-coded or merged it (a terminated postcode keeps
//!   the code it last had);
//! - **TTWA**: the TTWA of the postcode's 2021 LSOA in lmi's LSOA-to-TTWA table, the same table
//!   exact TTWA sums are built from, so a postcode opens the TTWA its neighbourhood is counted
//!   in; when the LSOA is missing from that table, the directory's own `ttwa`;
//! - **LSIP, county, combined authority, region**: the district's parents in the registry (the
//!   directory's `cty` and `rgn` are compared and a disagreement is noted).

use crate::error::ReportError;
use crate::search::{Match, SearchHit};
use crate::snapshot::{GeoIndex, Meta, ServedSnapshot};
use lmi_core::postcode::{Postcode, PostcodeRecord};
use lmi_core::{Area, AreaType};
use serde::Serialize;
use utoipa::ToSchema;

/// One area a postcode lies in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PostcodeArea {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub area_type: AreaType,
    /// The area's API URL (`/v1/areas/{code}`).
    pub url: String,
}

impl PostcodeArea {
    fn of(area: &Area) -> PostcodeArea {
        PostcodeArea {
            code: area.code.clone(),
            name: area.name.clone(),
            area_type: area.area_type,
            url: format!("/v1/areas/{}", area.code),
        }
    }
}

/// The areas a postcode lies in, with the snapshot that answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostcodeAnswer<'a> {
    pub meta: &'a Meta,
    /// The postcode as published (`PR1 1AA`: outward code, one space, inward code).
    pub postcode: String,
    /// Whether Royal Mail has terminated the postcode (it is answered with the areas it was
    /// last assigned to).
    pub terminated: bool,
    /// The month it was terminated (`2019-06`), when it was.
    pub terminated_on: Option<String>,
    /// Local authority district (current code: a retired one is mapped to its successor).
    pub district: Option<PostcodeArea>,
    /// Travel to Work Area (of the postcode's 2021 LSOA, as exact TTWA sums assign it).
    pub ttwa: Option<PostcodeArea>,
    /// Local Skills Improvement Plan area (the district's).
    pub lsip: Option<PostcodeArea>,
    /// County (the district's; none for a unitary or metropolitan district).
    pub county: Option<PostcodeArea>,
    /// Combined authority (the district's, when it has one).
    pub combined_authority: Option<PostcodeArea>,
    /// Region (the district's).
    pub region: Option<PostcodeArea>,
    /// How the areas were found, and anything the reader should know (termination, a district
    /// re-coded, the directory and the registry disagreeing).
    pub notes: Vec<String>,
}

impl PostcodeAnswer<'_> {
    /// The areas in the order search lists them: TTWA first (a postcode typed opens its TTWA),
    /// then district, LSIP, county, combined authority, region.
    pub fn areas(&self) -> impl Iterator<Item = &PostcodeArea> {
        [
            &self.ttwa,
            &self.district,
            &self.lsip,
            &self.county,
            &self.combined_authority,
            &self.region,
        ]
        .into_iter()
        .flatten()
    }
}

/// Why a snapshot cannot answer postcodes.
pub fn no_directory(snap: &ServedSnapshot) -> ReportError {
    ReportError::NotFound(format!(
        "no postcode directory in this snapshot ({}): it was published without the \
         `ons_nspl` source (ONS's National Statistics Postcode Lookup); search by place name \
         with /v1/areas?q=",
        snap.version()
    ))
}

/// The areas `postcode` lies in.
pub fn postcode<'a>(
    snap: &'a ServedSnapshot,
    geo: &GeoIndex,
    postcode: Postcode,
) -> Result<PostcodeAnswer<'a>, ReportError> {
    let directory = snap.postcodes().ok_or_else(|| no_directory(snap))?;
    let record = directory.get(postcode).ok_or_else(|| {
        ReportError::NotFound(format!(
            "postcode {postcode} is not in the postcode directory of snapshot {} ({} postcodes, \
             live and terminated)",
            snap.version(),
            directory.len()
        ))
    })?;
    Ok(answer(&snap.meta, geo, &record))
}

fn month(yyyymm: u32) -> String {
    format!("{}-{:02}", yyyymm / 100, yyyymm % 100)
}

fn answer<'a>(meta: &'a Meta, geo: &GeoIndex, r: &PostcodeRecord<'_>) -> PostcodeAnswer<'a> {
    let g = geo.geography;
    let mut notes = Vec::new();
    if let Some(t) = r.terminated {
        notes.push(format!(
            "{} was terminated in {}: these are the areas the directory last assigns it to.",
            r.postcode,
            month(t)
        ));
    }
    let current = g.current_lad(r.lad_code);
    match current {
        Some(c) if c != r.lad_code => notes.push(format!(
            "The directory gives district {}, since replaced by {} ({}): its successor is shown.",
            r.lad_code,
            c,
            geo.area(c).map_or("", |a| a.name.as_str())
        )),
        Some(_) => {}
        None => notes.push(format!(
            "The directory gives district {}, which is not an English district lmi knows (Wales, \
             Scotland, Northern Ireland, the Channel Islands or the Isle of Man): no area is shown.",
            r.lad_code
        )),
    }
    let district = current.and_then(|c| geo.area(c));
    let parent = |t: AreaType| {
        district.and_then(|d| {
            geo.parents(&d.code)
                .iter()
                .find(|p| p.area_type == t)
                .map(|p| PostcodeArea::of(p))
        })
    };
    let ttwa_of_lsoa = r.lsoa_code.and_then(|l| g.ttwa_of_small_area(l));
    let ttwa = match (ttwa_of_lsoa, r.ttwa_code) {
        (Some(t), _) => {
            notes.push(format!(
                "TTWA: the one its 2021 LSOA {} lies in (lmi's LSOA-to-TTWA table, as exact TTWA \
                 sums use).",
                r.lsoa_code.unwrap_or_default()
            ));
            geo.area(t)
        }
        (None, Some(t)) => {
            notes.push(format!(
                "TTWA: as the directory gives it ({t}); its LSOA is not in lmi's LSOA-to-TTWA table."
            ));
            geo.area(t)
        }
        (None, None) => None,
    }
    .map(PostcodeArea::of);
    let (county, region) = (parent(AreaType::County), parent(AreaType::Region));
    for (label, published, ours) in [
        ("county", r.county_code, &county),
        ("region", r.region_code, &region),
    ] {
        if let (Some(p), Some(o)) = (published, ours)
            && p != o.code
        {
            notes.push(format!(
                "The directory gives {label} {p}; lmi's area registry places the district in {} \
                 ({}), which is shown.",
                o.code, o.name
            ));
        }
    }
    PostcodeAnswer {
        meta,
        postcode: r.postcode.to_string(),
        terminated: r.terminated.is_some(),
        terminated_on: r.terminated.map(month),
        district: district.map(PostcodeArea::of),
        ttwa,
        lsip: parent(AreaType::Lsip),
        county,
        combined_authority: parent(AreaType::CombinedAuthority),
        region,
        notes,
    }
}

/// Search hits for a query that is a postcode in the snapshot's directory: its areas, TTWA
/// first; `None` when the query is not a postcode or the snapshot does not know it.
pub fn postcode_hits(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    query: &str,
    area_type: Option<AreaType>,
) -> Option<(String, Vec<SearchHit>)> {
    let pc = Postcode::parse(query).ok()?;
    let found = postcode(snap, geo, pc).ok()?;
    let hits = found
        .areas()
        .filter(|a| area_type.is_none_or(|t| a.area_type == t))
        .map(|a| SearchHit {
            code: a.code.clone(),
            name: a.name.clone(),
            area_type: a.area_type,
            matched: Match::Postcode,
        })
        .collect();
    Some((found.postcode, hits))
}
