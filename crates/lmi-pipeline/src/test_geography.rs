//! A toy geography shared by the table tests.

use lmi_core::Geography;
use lmi_core::geography::GeographyTables;

// Two districts form county C1; the third is alone in combined authority CA1; TTWA T1 best-fits
// the first two; all three are in one region and England.
const AREAS: &str = "code,name,type
E07000001,One,lad
E07000002,Two,lad
E06000003,Three,lad
E10000001,Shire,county
E47000001,Solo,combined_authority
E30000001,Work Area,ttwa
E12000001,Region,region
E92000001,England,country
";
const PARENTS: &str = "lad_code,lad_name,region_code,county_code,combined_authority_code,lsip_code
E07000001,One,E12000001,E10000001,,
E07000002,Two,E12000001,E10000001,,
E06000003,Three,E12000001,,E47000001,
";
const TTWA: &str =
    "lad_code,ttwa_code,lsoa11_count,population_16plus,share_of_lad,share_of_ttwa,best_fit
E07000001,E30000001,10,1000,1.0,0.5,true
E07000002,E30000001,8,800,1.0,0.4,true
E06000003,E30000001,2,200,0.2,0.1,false
";

pub(crate) fn toy() -> Geography {
    Geography::from_tables(GeographyTables {
        areas: AREAS,
        lad_parents: PARENTS,
        lad_lep: "lad_code,lep_code,lad21_count\n",
        lad_ttwa: TTWA,
        lad_successors: "old_code,old_name,current_code,current_name\n",
        lsoa21_ttwa: "",
        area_groups: "",
        area_groups_file: "",
    })
    .unwrap()
}
