package sim

// CheckSeededStaff is checkSeededStaff, for the external tests.
var CheckSeededStaff = checkSeededStaff
