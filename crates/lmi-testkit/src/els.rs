//! The ONS Explore Local Statistics data repository (`ONSdigital/explore-local-statistics-data`)
//! as GitHub serves it: the REST tree API (`/github/repos/{owner}/{repo}/git/trees/{ref}`) and raw
//! files (`/ons/{owner}/{repo}/{ref}/{path}`). One folder per indicator holds `{name}.csv` and the
//! `{name}.json` metadata (`_note` + `ess-beta-metadata`, single- or multi-indicator shape).

use crate::github::GitRepo;
use crate::{Reply, read_csv, read_data};
use serde_json::{Map, Value, json};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

pub const ELS_OWNER: &str = "ONSdigital";
pub const ELS_REPO: &str = "explore-local-statistics-data";
pub const ELS_BRANCH: &str = "main";

/// What the metadata says about a folder's indicators (from the real repository at 4972c58).
struct Series {
    folder: &'static str,
    /// Multi-indicator shape (`shared` + one object per CSV `indicator` code).
    multi: bool,
    prefix: Option<&'static str>,
    suffix: Option<&'static str>,
    source_date: &'static str,
    source_url: &'static str,
    source_org: &'static str,
    /// (code = CSV `indicator`, label, subtitle)
    indicators: &'static [(&'static str, &'static str, &'static str)],
}

const SERIES: [Series; 12] = [
    Series {
        folder: "employment-rate",
        multi: true,
        prefix: None,
        suffix: Some("%"),
        source_date: "16/04/2024",
        source_url: "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/datasets/locallabourmarketindicatorsforcountieslocalandunitaryauthoritiesli01",
        source_org: "Office for National Statistics",
        indicators: &[
            (
                "Employment rate",
                "Employment rate (Great Britain)",
                "Percentage of people aged 16 to 64 years who are in employment",
            ),
            (
                "Economically inactive",
                "Economic inactivity rate (Great Britain)",
                "Percentage of people aged 16 to 64 years who are economically inactive",
            ),
        ],
    },
    Series {
        folder: "claimant-count",
        multi: false,
        prefix: None,
        suffix: Some("%"),
        source_date: "20/01/2026",
        source_url: "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/bulletins/regionallabourmarket/previousreleases",
        source_org: "Office for National Statistics",
        indicators: &[(
            "Claimant Count",
            "Claimant Count",
            "Percentage of people aged 16 to 64 who are claiming unemployment-related benefits",
        )],
    },
    Series {
        folder: "gross-median-weekly-pay",
        multi: false,
        prefix: Some("GBPSign"),
        suffix: None,
        source_date: "05/11/2025",
        source_url: "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/earningsandworkinghours/bulletins/annualsurveyofhoursandearnings/previousReleases",
        source_org: "Office for National Statistics",
        indicators: &[(
            "Gross median weekly pay",
            "Gross median weekly pay",
            "Median gross weekly pay of full-time employees, by place of residence",
        )],
    },
    Series {
        folder: "qualifications-level-3-or-above",
        multi: false,
        prefix: None,
        suffix: Some("%"),
        source_date: "16/04/2024",
        source_url: "https://www.nomisweb.co.uk/datasets/apsnew",
        source_org: "Office for National Statistics",
        indicators: &[(
            "Level 3 or above qualifications (Great Britain)",
            "Level 3 or above qualifications (Great Britain)",
            "Percentage of people aged 16 to 64 years with a level 3 or above qualification",
        )],
    },
    Series {
        folder: "apprenticeships",
        multi: true,
        prefix: None,
        suffix: None,
        source_date: "27/11/2025",
        source_url: "https://explore-education-statistics.service.gov.uk/find-statistics/apprenticeships",
        source_org: "Department for Education",
        indicators: &[
            (
                "Apprenticeship starts (England)",
                "Apprenticeship starts (England)",
                "Number of apprenticeship starts per 100,000 population",
            ),
            (
                "Apprenticeship achievements (England)",
                "Apprenticeship achievements (England)",
                "Number of apprenticeship achievements per 100,000 population",
            ),
        ],
    },
    // Decoys: the same topics for other nations.
    Series {
        folder: "employment-rate-ni",
        multi: true,
        prefix: None,
        suffix: Some("%"),
        source_date: "16/04/2024",
        source_url: "https://www.nisra.gov.uk/statistics/labour-market-and-social-welfare",
        source_org: "Northern Ireland Statistics and Research Agency",
        indicators: &[
            (
                "Employment rate (Northern Ireland)",
                "Employment rate (Northern Ireland)",
                "Percentage of people aged 16 to 64 years who are in employment",
            ),
            (
                "Economically inactive (Northern Ireland)",
                "Economic inactivity rate (Northern Ireland)",
                "Percentage of people aged 16 to 64 years who are economically inactive",
            ),
        ],
    },
    Series {
        folder: "qualifications-level-3-or-above-ni",
        multi: false,
        prefix: None,
        suffix: Some("%"),
        source_date: "16/04/2024",
        source_url: "https://www.nisra.gov.uk/statistics/labour-market-and-social-welfare",
        source_org: "Northern Ireland Statistics and Research Agency",
        indicators: &[(
            "Level 3 or above qualifications (Northern Ireland)",
            "Level 3 or above qualifications (Northern Ireland)",
            "Percentage of people aged 16 to 64 years with a level 3 or above qualification",
        )],
    },
    Series {
        folder: "business-demography",
        multi: true,
        prefix: None,
        suffix: None,
        source_date: "20/11/2025",
        source_url: "https://www.ons.gov.uk/businessindustryandtrade/business/activitysizeandlocation/bulletins/businessdemography/previousreleases",
        source_org: "Office for National Statistics",
        indicators: &[
            (
                "Business births",
                "Business births",
                "Percentage of businesses newly registered for VAT and/or PAYE",
            ),
            (
                "Business deaths",
                "Business deaths",
                "Percentage of businesses ceasing activity",
            ),
        ],
    },
    // Productivity and people (issue 25): labels and sources from the real metadata at 4972c58.
    Series {
        folder: "gross-value-added",
        multi: true,
        prefix: Some("GBPSign"),
        suffix: None,
        source_date: "19/06/2025",
        source_url: "https://www.ons.gov.uk/economy/economicoutputandproductivity/productivitymeasures/bulletins/regionalandsubregionallabourproductivityuk/previousreleases",
        source_org: "Office for National Statistics",
        indicators: &[
            (
                "Gross value added per hour worked",
                "Gross value added per hour worked",
                "Estimated value added of goods and services produced per hour worked",
            ),
            (
                "Gross value added per filled job",
                "Gross value added per job filled",
                "Estimated value added of goods and services produced per job filled",
            ),
        ],
    },
    Series {
        folder: "modelled-unemployment",
        multi: false,
        prefix: None,
        suffix: Some("%"),
        source_date: "16/04/2024",
        source_url: "https://www.ons.gov.uk/employmentandlabourmarket/peopleinwork/employmentandemployeetypes/datasets/li01regionallabourmarketlocalindicatorsforcountieslocalandunitaryauthorities",
        source_org: "Office for National Statistics",
        indicators: &[(
            "Modelled unemployment rate",
            "Modelled unemployment rate",
            "Modelled percentage of economically active people aged 16 years and over without a job and actively seeking work",
        )],
    },
    Series {
        folder: "further-education-and-skills-participation",
        multi: false,
        prefix: None,
        suffix: None,
        source_date: "27/11/2025",
        source_url: "https://explore-education-statistics.service.gov.uk/data-catalogue/further-education-and-skills",
        source_org: "Department for Education",
        indicators: &[(
            "Further education and skills participation",
            "Further education and skills participation",
            "People aged 19 and over participating in further education and skills learning (including apprenticeships), per 100,000 people",
        )],
    },
    Series {
        folder: "further-education-and-skills-learner-achievements",
        multi: false,
        prefix: None,
        suffix: None,
        source_date: "27/11/2025",
        source_url: "https://explore-education-statistics.service.gov.uk/find-statistics/further-education-and-skills",
        source_org: "Department for Education",
        indicators: &[(
            "Further education and skills learner achievements",
            "Further education and skills learner achievements",
            "People aged 19 and over achieving a funded further education and skills learning aim, per 100,000 people",
        )],
    },
];

const HEADER: &str = "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes\n";

/// A tiny synthetic CSV for a decoy folder absent from the data dir (never real data).
fn decoy_csv(series: &Series) -> Vec<u8> {
    let (area, name, geography) = if series.folder.ends_with("-ni") {
        ("N92000002", "Northern Ireland", "Nation")
    } else {
        ("E92000001", "England", "Nation")
    };
    let mut csv = HEADER.to_owned();
    for (code, _, _) in series.indicators {
        csv.push_str(&format!(
            "{area},{name},{geography},{code},2023-01-01/P1Y,50.0,Percentage,%,,,,\n"
        ));
    }
    csv.into_bytes()
}

fn metadata(series: &Series, csv: &[u8]) -> Vec<u8> {
    // The codes are the CSV's `indicator` values (labels from the table when known).
    let (header, rows) = read_csv(csv);
    let i = header
        .iter()
        .position(|h| h == "indicator")
        .expect("indicator column");
    let codes: BTreeSet<&str> = rows.iter().map(|r| r[i].as_str()).collect();
    let about = |code: &str| {
        series
            .indicators
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or((code.to_owned(), code.to_owned()), |(_, l, s)| {
                ((*l).to_owned(), (*s).to_owned())
            })
    };
    let long = |label: &str| format!("This indicator shows {label} for local areas in the UK.");
    let caveats = "Synthetic metadata written by the lmi test emulator in the repository's shape.";
    let shared = json!({
        "prefix": series.prefix,
        "suffix": series.suffix,
        "subText": null,
        "decimalPlaces": 1,
        "experimentalStatistic": "T",
        "sourceDate": series.source_date,
        "sourceURL": series.source_url,
        "sourceOrg": series.source_org,
        "standardised": "T",
    });
    let ess = if series.multi {
        let mut m = Map::new();
        m.insert("shared".into(), shared);
        for code in &codes {
            let (label, subtitle) = about(code);
            m.insert(
                (*code).to_owned(),
                json!({ "label": label, "subtitle": subtitle, "longDescription": long(&label), "caveats": caveats }),
            );
        }
        Value::Object(m)
    } else {
        let code = codes
            .iter()
            .next()
            .copied()
            .unwrap_or(series.indicators[0].0);
        let (label, subtitle) = about(code);
        let mut m = shared.as_object().expect("object").clone();
        m.insert("label".into(), json!(label));
        m.insert("subtitle".into(), json!(subtitle));
        m.insert("longDescription".into(), json!(long(&label)));
        m.insert("caveats".into(), json!(caveats));
        Value::Object(m)
    };
    serde_json::to_vec_pretty(&json!({
        "_note": "This file was last modified on 30/01/2026 at 08:04",
        "ess-beta-metadata": ess,
    }))
    .expect("json")
}

/// The repository at the tip of `main`.
pub(crate) struct Repo {
    git: GitRepo,
}

impl Repo {
    pub(crate) fn load(dir: &Path) -> Repo {
        let mut git = GitRepo::new(ELS_OWNER, ELS_REPO, ELS_BRANCH);
        let mut add = |path: String, bytes: Vec<u8>| git.add(path, bytes);
        for series in &SERIES {
            let name = series.folder;
            let real = crate::ONS_SERIES.contains(&name);
            let csv = match read_data(dir, &format!("ons_els/{name}.csv")) {
                Some(csv) => csv,
                None if real => crate::require(dir, &format!("ons_els/{name}.csv")),
                None => decoy_csv(series),
            };
            add(format!("{name}/{name}.json"), metadata(series, &csv));
            add(format!("{name}/{name}.csv"), csv);
        }
        add(
            "README.md".into(),
            b"Data is licensed under the Open Government Licence v3.0.\n".to_vec(),
        );
        add(
            "LICENSE.md".into(),
            b"Open Government Licence v3.0\n".to_vec(),
        );
        add(".gitignore".into(), b".DS_Store\n".to_vec());
        add(
            ".github/CODEOWNERS".into(),
            b"* @ONSdigital/explore-local-statistics\n".to_vec(),
        );
        add(
            ".github/workflows/csvw-generate.yml".into(),
            b"name: csvw-generate\non:\n  push:\n    branches: [main]\n".to_vec(),
        );
        Repo { git }
    }

    pub(crate) fn rename_folder(&mut self, old: &str, new: &str) {
        let prefix = format!("{old}/");
        let moved: Vec<String> = self
            .git
            .files
            .keys()
            .filter(|p| p.starts_with(&prefix))
            .cloned()
            .collect();
        assert!(!moved.is_empty(), "no ELS folder {old}");
        for path in moved {
            let file = &path[prefix.len()..];
            let file = match file.strip_prefix(old) {
                Some(ext) if ext.starts_with('.') => format!("{new}{ext}"),
                _ => file.to_owned(),
            };
            let bytes = self.git.files.remove(&path).expect("file");
            self.git.files.insert(format!("{new}/{file}"), bytes);
        }
    }

    pub(crate) fn respond(&self, github: &str, path: &str, q: &HashMap<String, String>) -> Reply {
        self.git
            .respond(github, path, q)
            .unwrap_or_else(|| Reply::text(404, "404: Not Found"))
    }
}
