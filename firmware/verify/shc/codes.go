package shc

// Code tables. They decide which statements count, so a code missing here
// makes a genuine dose or test invisible (the holder is turned away), never
// the reverse. Sources: the CDC CVX table (COVID-19 entries, as listed in
// the SMART Health Cards Vaccination & Testing IG's CVX value set, version
// 2025-09-03), the EU DCC vaccine prophylaxis value set (SNOMED CT), and the
// IG's "LOINCs identifying qualitative COVID lab tests" value set (2023.1)
// and lab result value set.

// covidCVX holds the CVX codes of COVID-19 vaccines.
var covidCVX = setOf(
	"207", "208", "210", "211", "212", "213", "217", "218", "219", "221",
	"225", "226", "227", "228", "229", "230", "300", "301", "302", "308",
	"309", "310", "311", "312", "313",
	// Non-US vaccines.
	"500", "501", "502", "503", "504", "505", "506", "507", "508", "509",
	"510", "511", "512", "513", "514", "515", "516", "517", "518", "519",
	"520", "521",
)

// covidSNOMED holds SNOMED CT codes of COVID-19 vaccines.
var covidSNOMED = setOf(
	"1119349007", // SARS-CoV-2 mRNA vaccine
	"1119305005", // SARS-CoV-2 antigen vaccine
)

// covidTests maps the LOINC codes of qualitative SARS-CoV-2 tests that
// detect the virus to the pass.TestResult type: "naat" for nucleic acid
// amplification, "rat" for antigen immunoassays. Antibody, culture and
// sequencing tests are left out: they do not show a current infection in
// the way an entry rule means.
var covidTests = map[string]string{
	// Nucleic acid amplification.
	"94306-8": "naat", "94307-6": "naat", "94308-4": "naat", "94309-2": "naat",
	"94310-0": "naat", "94314-2": "naat", "94315-9": "naat", "94316-7": "naat",
	"94500-6": "naat", "94502-2": "naat", "94531-1": "naat", "94533-7": "naat",
	"94534-5": "naat", "94559-2": "naat", "94565-9": "naat", "94639-2": "naat",
	"94640-0": "naat", "94641-8": "naat", "94647-5": "naat", "94660-8": "naat",
	"94756-4": "naat", "94757-2": "naat", "94758-0": "naat", "94759-8": "naat",
	"94760-6": "naat", "94765-5": "naat", "94766-3": "naat", "94767-1": "naat",
	"94845-5": "naat", "95406-5": "naat", "95409-9": "naat", "95425-5": "naat",
	"95608-6": "naat", "95823-1": "naat", "95824-9": "naat", "96091-4": "naat",
	"96120-1": "naat", "96121-9": "naat", "96122-7": "naat", "96123-5": "naat",
	"96448-6": "naat", "96763-8": "naat", "96765-3": "naat", "96797-6": "naat",
	"96829-7": "naat", "96957-6": "naat", "96958-4": "naat", "96986-5": "naat",
	"97098-8": "naat", "98131-6": "naat", "98132-4": "naat", "98493-0": "naat",
	"98494-8": "naat",
	// Antigen immunoassays.
	"94558-4": "rat", "95209-3": "rat", "96119-3": "rat", "97097-0": "rat",
}

// negativeResults holds the SNOMED CT result codes that mean negative.
var negativeResults = setOf(
	"260385009", // Negative
	"260415000", // Not detected
)

func setOf(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}
