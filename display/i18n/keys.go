package i18n

import "github.com/venuekiosk/venuekiosk/firmware/pass"

// Key names a message. The constants are the complete key set: every
// catalog has exactly these keys.
type Key string

// Keys of the messages.
const (
	Instruction      Key = "instruction"       // under the venue QR code
	InstructionShort Key = "instruction_short" // where the instruction does not fit
	InstructionPass  Key = "instruction_pass"  // how to check a pass
	OpenMode         Key = "open_mode"         // no pass checks in force
	NoScanner        Key = "no_scanner"
	VenueUnset       Key = "venue_unset"    // not provisioned: no venue code
	SetupRefused     Key = "setup_refused"  // a provisioning file was refused
	TimeUntrusted    Key = "time_untrusted" // shown instead of the venue code
	Holder           Key = "holder"         // {initials}, {year}
	HolderName       Key = "holder_name"    // {name}, {year}: the full-name holder check

	VerdictGreen      Key = "verdict.green"
	VerdictGreenShort Key = "verdict.green_short"
	VerdictAmber      Key = "verdict.amber"
	VerdictAmberShort Key = "verdict.amber_short"
	VerdictRed        Key = "verdict.red"
	VerdictRedShort   Key = "verdict.red_short"
	// VerdictExemption says an amber verdict is a medical exemption (the
	// policy's exemption outcome), under the headline.
	VerdictExemption Key = "verdict.exemption"

	DataAge        Key = "data.age"       // {age}
	DataAgeShort   Key = "data.age_short" // {age}
	DataStale      Key = "data.stale"     // {time}
	DataStaleShort Key = "data.stale_short"
	DataNever      Key = "data.never"

	AgeUnderMinute Key = "age.under_minute"
	AgeMinutes     Key = "age.minutes" // {n}
	AgeHours       Key = "age.hours"   // {n}
	AgeDays        Key = "age.days"    // {n}

	ExposureNotice Key = "exposure.notice" // {date}
	ExposureShort  Key = "exposure.short"
	// A notice for the holder of the pass just scanned: it was here during
	// an exposure window.
	ExposurePersonal      Key = "exposure.personal" // {when}
	ExposurePersonalShort Key = "exposure.personal_short"
	// The venue's notice for everyone: on the local page for
	// visitors, and for the guard who hands out the printed advice.
	ExposureVenueAdvice Key = "exposure.venue_advice" // {when}
	ExposureVenueGuard  Key = "exposure.venue_guard"

	// Exit scans: a pass scanned on its way out.
	ExitGoodbye      Key = "exit.goodbye"
	ExitGoodbyeShort Key = "exit.goodbye_short"
	ExitArmed        Key = "exit.armed" // the exit button was pressed

	// Group mode (companions).
	GroupStarted      Key = "group.started" // {max}
	GroupMember       Key = "group.member"  // {n}
	GroupSummary      Key = "group.summary" // {n}, {green}, {amber}, {red}
	GroupSummaryShort Key = "group.summary_short"
	GroupCancelled    Key = "group.cancelled"

	ExemptConfirmed Key = "exempt.confirmed"

	StaffAccepted        Key = "staff.accepted"
	StaffRefused         Key = "staff.refused"
	StaffExpired         Key = "staff.expired"
	StaffExemptArmed     Key = "staff.exempt_armed"
	StaffExemptCancelled Key = "staff.exempt_cancelled"

	// The door: open entry, staff cards, exempt entries,
	// setup from the venue's poster.
	OpenModeShort     Key = "open_mode_short"
	OpenUntil         Key = "open_until" // {time}
	OpenEnded         Key = "open_ended"
	StaffRevoked      Key = "staff.revoked"
	StaffNotYetValid  Key = "staff.not_yet_valid"
	StaffUnchecked    Key = "staff.unchecked" // no operator key, or the revocations unreadable
	StaffNoAction     Key = "staff.no_action"
	StaffPickCategory Key = "staff.pick_category"
	StaffGuardFirst   Key = "staff.guard_first"
	// Staff cards refused for their lifetime, their binding, their
	// use too often, or from the web; the staff card list out of date;
	// setup confirmed by the technician's card again.
	StaffTooLong       Key = "staff.too_long"
	StaffElsewhere     Key = "staff.elsewhere"
	StaffRateLimited   Key = "staff.rate_limited"
	StaffNotScanner    Key = "staff.not_scanner"
	StaffListStale     Key = "staff.list_stale" // a supervisor's or technician's card refused
	StaffListOld       Key = "staff.list_old"   // a note: the list is out of date (a guard's card still works)
	SetupConfirm       Key = "setup.confirm"    // {name}
	ExemptUnder12      Key = "exempt.under12"
	ExemptOver65       Key = "exempt.65plus"
	ExemptDisability   Key = "exempt.disability"
	ExemptOther        Key = "exempt.other"
	SetupArmed         Key = "setup.armed"
	SetupDone          Key = "setup.done" // {name}
	SetupRestart       Key = "setup.restart"
	SetupPosterRefused Key = "setup.refused"
	SetupCancelled     Key = "setup.cancelled"
	// SetupTechnicianFirst answers a venue poster scanned outside setup.
	SetupTechnicianFirst Key = "setup.technician_first"
	HKENCaption          Key = "hken.caption"

	// The local web page.
	PagePanel     Key = "page.panel"
	PageLights    Key = "page.lights"
	PageScan      Key = "page.scan"
	PagePaste     Key = "page.paste"
	PageSamples   Key = "page.samples"
	PageRecent    Key = "page.recent"
	PageGroup     Key = "page.group"
	PageToday     Key = "page.today"
	PageKiosk     Key = "page.kiosk"
	PageDoor      Key = "page.door"
	PageChecks    Key = "page.checks"
	PageOpen      Key = "page.open"      // {time}, {by}
	PageExempt    Key = "page.exempt"    // {children}, {seniors}, {disability}, {other}
	PageOverrides Key = "page.overrides" // {n}, {minutes}
	// PageOverridesOne is page.overrides for one opening.
	PageOverridesOne Key = "page.overrides_one" // {minutes}
)

// ReasonCodes are the reason codes of firmware/pass, each with a message
// under "reason.<code>".
var ReasonCodes = []pass.Code{
	pass.Prefix, pass.UnsupportedFormat, pass.Base45, pass.Encoding, pass.Decompress, pass.CBOR,
	pass.COSE, pass.Schema, pass.UnknownKey, pass.Signature, pass.KeyUsage,
	pass.Expired, pass.NotYetValid, pass.TooLarge, pass.Revoked, pass.RedCode,
	pass.AmberCode, pass.Policy, pass.StaleData, pass.Exposure, pass.Internal,
}

// ReasonKey returns the key of a reason code's message.
func ReasonKey(c pass.Code) Key { return Key("reason." + string(c)) }

var fixedKeys = []Key{
	Instruction, InstructionShort, InstructionPass, OpenMode, NoScanner, VenueUnset, SetupRefused, TimeUntrusted, Holder,
	VerdictGreen, VerdictGreenShort, VerdictAmber, VerdictAmberShort, VerdictRed, VerdictRedShort, VerdictExemption,
	DataAge, DataAgeShort, DataStale, DataStaleShort, DataNever,
	AgeUnderMinute, AgeMinutes, AgeHours, AgeDays,
	ExposureNotice, ExposureShort, ExposurePersonal, ExposurePersonalShort,
	ExposureVenueAdvice, ExposureVenueGuard, ExitGoodbye, ExitGoodbyeShort, ExitArmed,
	GroupStarted, GroupMember, GroupSummary, GroupSummaryShort, GroupCancelled,
	HolderName, ExemptConfirmed,
	StaffAccepted, StaffRefused, StaffExpired, StaffExemptArmed, StaffExemptCancelled,
	OpenModeShort, OpenUntil, OpenEnded,
	StaffRevoked, StaffNotYetValid, StaffUnchecked, StaffNoAction, StaffPickCategory, StaffGuardFirst,
	StaffTooLong, StaffElsewhere, StaffRateLimited, StaffNotScanner, StaffListStale, StaffListOld, SetupConfirm,
	ExemptUnder12, ExemptOver65, ExemptDisability, ExemptOther,
	SetupArmed, SetupDone, SetupRestart, SetupPosterRefused, SetupCancelled, SetupTechnicianFirst, HKENCaption,
	PagePanel, PageLights, PageScan, PagePaste, PageSamples, PageRecent, PageGroup, PageToday, PageKiosk,
	PageDoor, PageChecks, PageOpen, PageExempt, PageOverrides, PageOverridesOne,
}

// Keys returns every key, in a fixed order.
func Keys() []Key {
	ks := append([]Key(nil), fixedKeys...)
	for _, c := range ReasonCodes {
		ks = append(ks, ReasonKey(c))
	}
	return ks
}
