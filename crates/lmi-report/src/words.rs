//! Numbers and area types in words, as readings, chart descriptions and packs write them.

use lmi_core::{AreaType, Unit};

/// "local authority districts", "Travel to Work Areas", ...: an area type in a sentence.
pub fn plural(t: AreaType) -> &'static str {
    match t {
        AreaType::Lad => "local authority districts",
        AreaType::Ttwa => "Travel to Work Areas",
        AreaType::Group => "area groups",
        AreaType::County => "counties",
        AreaType::Lep => "LEP areas",
        AreaType::Lsip => "LSIP areas",
        AreaType::CombinedAuthority => "combined authorities",
        AreaType::Region => "regions",
        AreaType::Country => "countries",
    }
}

/// A value in words with its unit: `5.2%`, `+3.1%`, `£612 a week`, `1,234 per 100,000
/// population`, `11.9` (an index).
pub fn format_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{v:.1}%"),
        Unit::PercentChange => format!("{v:+.1}%"),
        Unit::Index => format!("{v:.1}"),
        Unit::PoundsPerWeek => format!("£{} a week", thousands(v.round())),
        Unit::PoundsPerHour => format!("£{v:.2} per hour worked"),
        Unit::PoundsPerJob => format!("£{} per filled job", thousands(v.round())),
        Unit::Per1kWorkingAge => format!("{v:.1} {unit}"),
        Unit::Per100k | Unit::Count(_) => format!("{} {unit}", thousands(v.round())),
    }
}

/// A whole number with thousands separators: `1,234,567`.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_their_units() {
        assert_eq!(format_value(4.0567, Unit::Percent), "4.1%");
        assert_eq!(format_value(612.4, Unit::PoundsPerWeek), "£612 a week");
        assert_eq!(
            format_value(1234567.0, Unit::Per100k),
            "1,234,567 per 100,000 population"
        );
        assert_eq!(
            format_value(1234.0, Unit::Count("achievements")),
            "1,234 achievements"
        );
        assert_eq!(format_value(3.04, Unit::PercentChange), "+3.0%");
        assert_eq!(format_value(11.94, Unit::Index), "11.9");
        assert_eq!(
            format_value(38.864, Unit::PoundsPerHour),
            "£38.86 per hour worked"
        );
        assert_eq!(
            format_value(58457.6, Unit::PoundsPerJob),
            "£58,458 per filled job"
        );
        assert_eq!(
            format_value(61.04, Unit::Per1kWorkingAge),
            "61.0 per 1,000 residents aged 16-64"
        );
    }
}
