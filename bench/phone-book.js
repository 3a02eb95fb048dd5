'use strict';
// The phone book of the directory bench: a CSV file of generated contacts in Moscow (the
// onlinePBX simulator's numbers are Russian), and the outside numbers the PBX reports as callers.
const fs = require('fs');

/**
 * The directory's number plan: Moscow, as a user there sets it (onlinePBX reports callers as `7`
 * and ten digits, which the plan reads as whole numbers, not as local ones).
 */
const PLAN = { country: 'RU', areaCode: '495', outsidePrefix: '', internalDigits: 6 };
/** Contact `i`'s office number is +7 495 FIRST + i; a caller from SECOND up is in no phone book. */
const FIRST = 1000000;
const SECOND = 5000000;
/** Callers the events cycle through, and how many of every ten are in the phone book. */
const CALLERS = 1000;
const KNOWN_OF_TEN = 2;

/** `1234567` -> `123-45-67`, as people write Moscow numbers. */
const local = (n) => `${String(n).slice(0, 3)}-${String(n).slice(3, 5)}-${String(n).slice(5)}`;

/**
 * Row `i`: the office number written three ways (international, national with the trunk
 * prefix 8, international in a spreadsheet's digits), every other contact a mobile too, every
 * tenth a VIP.
 */
function row(i) {
  const n = FIRST + i;
  const office = [`+7 495 ${local(n)}`, `8 (495) ${n}`, `+7495${n}`][i % 3];
  const mobile = i % 2 ? `+7 916 ${local(n)}` : '';
  return `Contact ${i},${office},${mobile},${i % 10 ? '' : 'VIP'}\n`;
}

/** Writes a CSV phone book of `contacts` contacts with a header row to `file`, in chunks. */
function writePhoneBook(file, contacts) {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'name,number,mobile,groups\n');
    for (let start = 0; start < contacts; start += 10000) {
      let chunk = '';
      for (let i = start; i < Math.min(contacts, start + 10000); i++) chunk += row(i);
      fs.writeSync(fd, chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The callers' numbers as onlinePBX reports them (`7` and ten digits, no `+`): two in ten are
 * contacts of a phone book of `contacts` (spread over it), the rest are not.
 */
function callerNumbers(contacts) {
  return Array.from({ length: CALLERS }, (_, i) => {
    const known = i % 10 < KNOWN_OF_TEN;
    const n = known ? FIRST + ((i * 7919) % contacts) : SECOND + i;
    return `7495${n}`;
  });
}

module.exports = { PLAN, writePhoneBook, callerNumbers };
