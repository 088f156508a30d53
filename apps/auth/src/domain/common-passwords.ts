/**
 * Passwords of 8 or more characters that top every published breach-frequency list; shorter
 * ones already fail the length rule. Compared after NFKC normalisation and lower-casing.
 * A deployment wanting a larger list (NIST suggests breach corpora) can extend this one.
 */
export const COMMON_PASSWORDS = `
password password1 password12 password123 password1234 password! passw0rd p@ssword p@ssw0rd
12345678 123456789 1234567890 12341234 11223344 12344321 11111111 00000000 88888888 99999999
87654321 987654321 123123123 147258369 159753456 123456789a 1234qwer qwer1234 qwerty12 qwerty123
qwerty1234 qwertyui qwertyuiop qwerty123456 1q2w3e4r 1q2w3e4r5t q1w2e3r4 q1w2e3r4t5 1qaz2wsx
zaq12wsx zaq1zaq1 asdfghjk asdfghjkl asdf1234 zxcvbnm1 zxcvbnm123 abc12345 abcd1234 a1b2c3d4
iloveyou iloveyou1 iloveyou2 sunshine sunshine1 princess princess1 football football1 baseball
baseball1 basketball superman superman1 starwars whatever trustno1 letmein1 letmein123 welcome1
welcome123 changeme changeme1 computer internet michelle jennifer corvette mercedes liverpool
chocolate butterfly pokemon1 jordan23 michael1 charlie1 samsung1 monkey123 shadow12 master12
dragon12 dragon123 secret123 admin123 admin1234 administrator adminadmin rootroot letmeinnow
mypassword yourpassword thepassword loveyou1 lovelove 1234abcd 123abc123 abc123456 abcdefg1
hello123 hellohello test1234 testtest test12345 guest123 summer2024 winter2024 spring2024
autumn2024 summer2025 winter2025 spring2025 autumn2025 summer2026 winter2026 spring2026
autumn2026 january1 december flower123 freedom1 blink182 metallica mustang1 einstein
whatever1 nicholas jonathan danielle alexander elizabeth victoria qazwsxedc qazwsx123
1q2w3e4r5t6y 1qazxsw2 zxcvbnma 1234567a 12345678a a12345678 aa123456 aa12345678 123qweasd
qweasdzxc qweasd123 asdasdasd qweqweqwe 789456123 741852963 369258147 147852369 5201314520
googledotcom facebook1 instagram1 minecraft1 pokemon123 unknown1 nopassword password01
`
  .split(/\s+/)
  .filter(Boolean);
