package keymap

// DE is the German (QWERTZ, DIN 2137 T1) layout. ^ and ` are dead keys,
// as on a German PC: a scanner set to German types them followed by Space.
var DE = mustLayout("de", func(m map[uint16]keyChars) {
	rowKeys(m, 2, "1234567890ß", "!\"§$%&/()=?")
	m[13] = keyChars{plain: '´', shift: '`', dead: true}
	rowKeys(m, 16, "qwertzuiopü+", "QWERTZUIOPÜ*")
	rowKeys(m, 30, "asdfghjklöä", "ASDFGHJKLÖÄ")
	m[41] = keyChars{plain: '^', shift: '°', dead: true}
	m[43] = keyChars{plain: '#', shift: '\''}
	rowKeys(m, 44, "yxcvbnm,.-", "YXCVBNM;:_")
	m[86] = keyChars{plain: '<', shift: '>'}
	for code, c := range map[uint16]rune{3: '²', 4: '³', 8: '{', 9: '[', 10: ']', 11: '}', 12: '\\', 16: '@', 18: '€', 27: '~', 86: '|', 50: 'µ'} {
		kc := m[code]
		kc.altgr = c
		m[code] = kc
	}
})

// FR is the French (AZERTY) layout. Digits need Shift; ^ and ¨ are dead
// keys.
var FR = mustLayout("fr", func(m map[uint16]keyChars) {
	rowKeys(m, 2, "&é\"'(-è_çà)=", "1234567890°+")
	rowKeys(m, 16, "azertyuiop", "AZERTYUIOP")
	m[26] = keyChars{plain: '^', shift: '¨', dead: true}
	m[27] = keyChars{plain: '$', shift: '£', altgr: '¤'}
	rowKeys(m, 30, "qsdfghjklm", "QSDFGHJKLM")
	m[40] = keyChars{plain: 'ù', shift: '%'}
	m[41] = keyChars{plain: '²', shift: '²'}
	m[43] = keyChars{plain: '*', shift: 'µ'}
	rowKeys(m, 44, "wxcvbn,;:!", "WXCVBN?./§")
	m[86] = keyChars{plain: '<', shift: '>'}
	for code, c := range map[uint16]rune{3: '~', 4: '#', 5: '{', 6: '[', 7: '|', 8: '`', 9: '\\', 10: '^', 11: '@', 12: ']', 13: '}', 18: '€'} {
		kc := m[code]
		kc.altgr = c
		m[code] = kc
	}
})
