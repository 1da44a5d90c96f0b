//! Names for pupils, social workers and school staff. Pupils' names follow their recorded
//! ethnicity loosely (a child recorded as Pakistani is more likely to be called Aisha Hussain
//! than Chloe Smith), as a real roll would; a share of names is drawn from any list, as real
//! names are. A few carry letters outside ASCII (Zoë, Łukasz, José) so the files exercise UTF-8.

use crate::rng::{chance, pick, SynthRng};
use vschool_domain::Sex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heritage {
    British,
    Irish,
    EastEuropean,
    SouthAsianMuslim,
    Indian,
    African,
    Caribbean,
    Chinese,
    MiddleEastern,
    Latin,
}

impl Heritage {
    /// The heritage a DfE ethnicity code suggests for naming.
    pub(crate) fn from_ethnicity(code: &str, rng: &mut SynthRng) -> Heritage {
        match code {
            "WBRI" | "REFU" | "NOBT" => Heritage::British,
            "WIRI" | "WIRT" => Heritage::Irish,
            "WOTH" | "WROM" => Heritage::EastEuropean,
            "APKN" | "ABAN" => Heritage::SouthAsianMuslim,
            "AIND" => Heritage::Indian,
            "AOTH" => {
                if chance(rng, 0.5) {
                    Heritage::SouthAsianMuslim
                } else {
                    Heritage::Indian
                }
            }
            "BAFR" | "BOTH" => Heritage::African,
            "BCRB" => Heritage::Caribbean,
            "CHNE" => Heritage::Chinese,
            "OOTH" => {
                if chance(rng, 0.6) {
                    Heritage::MiddleEastern
                } else {
                    Heritage::Latin
                }
            }
            "MWBC" => {
                if chance(rng, 0.5) {
                    Heritage::Caribbean
                } else {
                    Heritage::British
                }
            }
            "MWBA" => {
                if chance(rng, 0.5) {
                    Heritage::African
                } else {
                    Heritage::British
                }
            }
            "MWAS" => {
                if chance(rng, 0.5) {
                    Heritage::SouthAsianMuslim
                } else {
                    Heritage::British
                }
            }
            _ => Heritage::British,
        }
    }
}

const BRITISH_BOYS: &[&str] = &[
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Jacob",
    "Noah",
    "Charlie",
    "Thomas",
    "Oscar",
    "William",
    "James",
    "Leo",
    "Alfie",
    "Henry",
    "Joshua",
    "Freddie",
    "Archie",
    "Ethan",
    "Isaac",
    "Alexander",
    "Joseph",
    "Edward",
    "Samuel",
    "Max",
    "Logan",
    "Lucas",
    "Daniel",
    "Theo",
    "Arthur",
    "Mason",
    "Harrison",
    "Riley",
    "Tyler",
    "Dylan",
    "Kai",
    "Callum",
    "Liam",
    "Connor",
    "Jayden",
    "Reece",
    "Kieran",
    "Ryan",
    "Luke",
    "Ben",
    "Toby",
    "Finley",
    "Ellis",
    "Tommy",
    "Bobby",
    "Ronnie",
    "Frankie",
    "Louie",
    "Jenson",
    "Brandon",
    "Lewis",
    "Jamie",
    "Aiden",
    "Nathan",
    "Owen",
    "Rhys",
];
const BRITISH_GIRLS: &[&str] = &[
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Emily",
    "Sophia",
    "Grace",
    "Lily",
    "Mia",
    "Poppy",
    "Ella",
    "Evie",
    "Isabella",
    "Freya",
    "Charlotte",
    "Daisy",
    "Sienna",
    "Phoebe",
    "Ruby",
    "Millie",
    "Chloe",
    "Jessica",
    "Holly",
    "Megan",
    "Lacey",
    "Courtney",
    "Shannon",
    "Kayleigh",
    "Jade",
    "Paige",
    "Leah",
    "Abigail",
    "Scarlett",
    "Willow",
    "Harper",
    "Rosie",
    "Florence",
    "Matilda",
    "Erin",
    "Niamh",
    "Hannah",
    "Lucy",
    "Katie",
    "Summer",
    "Maisie",
    "Lola",
    "Eliza",
    "Bethany",
    "Zoë",
    "Demi",
    "Tia",
    "Amber",
    "Skye",
    "Lexi",
    "Ellie",
    "Molly",
    "Imogen",
    "Heidi",
    "Esme",
    "Renée",
];
const BRITISH_SURNAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Harris",
    "Lewis",
    "Clark",
    "Turner",
    "Hill",
    "Cooper",
    "Ward",
    "Morris",
    "Moore",
    "Parker",
    "Watson",
    "Bennett",
    "Carter",
    "Price",
    "Shaw",
    "Holmes",
    "Mills",
    "Hughes",
    "Lee",
    "Harrison",
    "Fletcher",
    "Marshall",
    "Ellis",
    "Barker",
    "Booth",
    "Hudson",
    "Pearson",
    "Atkinson",
    "Dixon",
    "Fox",
    "Heywood",
    "Pickering",
    "Ashworth",
    "Bradshaw",
    "Whitworth",
    "Lister",
    "Dobson",
    "Gill",
    "Hirst",
    "Sutcliffe",
    "Kershaw",
    "Marsden",
    "Greenwood",
    "Rowley",
    "Mellor",
    "Crossley",
    "Platt",
    "Stott",
    "Hartley",
    "Tyler",
];
const IRISH_BOYS: &[&str] = &[
    "Sean", "Patrick", "Conor", "Ciaran", "Declan", "Cillian", "Oisín", "Darragh", "Eoin",
    "Michael", "John", "Tommy", "Paddy", "Martin",
];
const IRISH_GIRLS: &[&str] = &[
    "Siobhan", "Aoife", "Niamh", "Ciara", "Roisin", "Saoirse", "Caoimhe", "Bridget", "Mary",
    "Kathleen", "Orla", "Shauna",
];
const IRISH_SURNAMES: &[&str] = &[
    "Murphy",
    "Kelly",
    "O'Sullivan",
    "Walsh",
    "O'Brien",
    "Byrne",
    "Ryan",
    "O'Connor",
    "O'Neill",
    "Doyle",
    "McCarthy",
    "Gallagher",
    "Doherty",
    "Kennedy",
    "Lynch",
    "Quinn",
    "McDonagh",
    "Ward",
    "Maughan",
    "Connors",
];
const EAST_EUROPEAN_BOYS: &[&str] = &[
    "Jakub",
    "Łukasz",
    "Mateusz",
    "Kacper",
    "Filip",
    "Oliwer",
    "Andrei",
    "Ionuț",
    "Darius",
    "Matei",
    "Tomas",
    "Lukas",
    "Dominik",
    "Adam",
    "Marek",
    "Nikola",
    "Stefan",
    "Vasile",
    "Aleksander",
    "Szymon",
];
const EAST_EUROPEAN_GIRLS: &[&str] = &[
    "Zuzanna",
    "Julia",
    "Maja",
    "Natalia",
    "Oliwia",
    "Amelia",
    "Ioana",
    "Maria",
    "Elena",
    "Andreea",
    "Gabriela",
    "Alicja",
    "Wiktoria",
    "Lena",
    "Klaudia",
    "Daria",
    "Agnieszka",
    "Bianca",
    "Emilia",
    "Kinga",
];
const EAST_EUROPEAN_SURNAMES: &[&str] = &[
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Kowalczyk",
    "Lewandowski",
    "Zieliński",
    "Popescu",
    "Ionescu",
    "Stan",
    "Dumitru",
    "Petrauskas",
    "Kazlauskas",
    "Horváth",
    "Novák",
    "Dvořák",
    "Balogh",
    "Lakatos",
    "Radu",
    "Mazur",
    "Krawczyk",
];
const SOUTH_ASIAN_MUSLIM_BOYS: &[&str] = &[
    "Muhammad", "Ibrahim", "Yusuf", "Ayaan", "Zayn", "Hamza", "Bilal", "Omar", "Adam", "Ali",
    "Rayyan", "Haris", "Usman", "Zain", "Abdullah", "Imran", "Tahmid", "Rehan", "Arham", "Saif",
];
const SOUTH_ASIAN_MUSLIM_GIRLS: &[&str] = &[
    "Aisha", "Maryam", "Fatima", "Zara", "Hafsa", "Inaya", "Amira", "Khadija", "Safa", "Anaya",
    "Iqra", "Sana", "Ayesha", "Mehreen", "Nusrat", "Tasnim", "Zainab", "Hana", "Alisha", "Eshal",
];
const SOUTH_ASIAN_MUSLIM_SURNAMES: &[&str] = &[
    "Hussain",
    "Khan",
    "Ahmed",
    "Ali",
    "Begum",
    "Iqbal",
    "Mahmood",
    "Rahman",
    "Akhtar",
    "Bibi",
    "Uddin",
    "Islam",
    "Miah",
    "Chowdhury",
    "Hassan",
    "Rashid",
    "Aziz",
    "Malik",
    "Butt",
    "Shah",
];
const INDIAN_BOYS: &[&str] = &[
    "Arjun", "Rohan", "Aarav", "Dev", "Jaskaran", "Harjit", "Vikram", "Rahul", "Krish", "Ishaan",
    "Manpreet", "Sahil", "Nikhil", "Aditya", "Kabir",
];
const INDIAN_GIRLS: &[&str] = &[
    "Priya", "Anika", "Simran", "Navneet", "Aditi", "Diya", "Kiran", "Meera", "Riya", "Asha",
    "Harleen", "Jasleen", "Pooja", "Ananya", "Sanvi",
];
const INDIAN_SURNAMES: &[&str] = &[
    "Patel", "Singh", "Kaur", "Sharma", "Gill", "Sandhu", "Mistry", "Shah", "Kumar", "Joshi",
    "Dhillon", "Sidhu", "Chauhan", "Parmar", "Mehta",
];
const AFRICAN_BOYS: &[&str] = &[
    "David", "Emmanuel", "Daniel", "Samuel", "Joshua", "Tobi", "Chidi", "Kwame", "Kofi", "Ayodele",
    "Tunde", "Abdi", "Mohamed", "Tendai", "Blessing", "Femi", "Jeremiah", "Olumide", "Yaw",
    "Amare",
];
const AFRICAN_GIRLS: &[&str] = &[
    "Grace", "Precious", "Esther", "Favour", "Abena", "Ama", "Chiamaka", "Adaeze", "Fatou",
    "Hodan", "Ifeoma", "Nia", "Zawadi", "Temitope", "Deborah", "Faith", "Mercy", "Ruth", "Ayan",
    "Amani",
];
const AFRICAN_SURNAMES: &[&str] = &[
    "Okafor", "Adeyemi", "Mensah", "Boateng", "Owusu", "Okoro", "Mohamed", "Abdi", "Ali", "Nwosu",
    "Adebayo", "Osei", "Asante", "Moyo", "Ndlovu", "Kamara", "Conteh", "Diallo", "Eze", "Ogunleye",
];
const CARIBBEAN_BOYS: &[&str] = &[
    "Marcus", "Jerome", "Tyrone", "Andre", "Jermaine", "Dwayne", "Kyle", "Jordan", "Malachi",
    "Isaiah", "Kemar", "Levi", "Elijah", "Reuben", "Zion",
];
const CARIBBEAN_GIRLS: &[&str] = &[
    "Shanice",
    "Kiara",
    "Tianna",
    "Jada",
    "Aaliyah",
    "Imani",
    "Shantelle",
    "Chantelle",
    "Keisha",
    "Destiny",
    "Makayla",
    "Nevaeh",
    "Amara",
    "Jasmine",
    "Tiana",
];
const CARIBBEAN_SURNAMES: &[&str] = &[
    "Campbell", "Brown", "Williams", "Thomas", "Francis", "Richards", "Grant", "Morgan", "Henry",
    "Bailey", "Reid", "Samuels", "Gordon", "Clarke", "Stewart",
];
const CHINESE_BOYS: &[&str] = &[
    "Wei", "Jun", "Hao", "Ethan", "Jason", "Kevin", "Ming", "Yi", "Zhi", "Lucas",
];
const CHINESE_GIRLS: &[&str] = &[
    "Mei", "Ling", "Xin", "Yan", "Jasmine", "Chloe", "Li", "Hui", "Jing", "Emily",
];
const CHINESE_SURNAMES: &[&str] = &[
    "Wang", "Li", "Zhang", "Chen", "Liu", "Wong", "Chan", "Lam", "Ng", "Cheung",
];
const MIDDLE_EASTERN_BOYS: &[&str] = &[
    "Ahmad", "Karim", "Yousef", "Mustafa", "Emre", "Can", "Arman", "Dara", "Ziad", "Omar",
    "Hassan", "Rami", "Kerem", "Baran", "Tariq",
];
const MIDDLE_EASTERN_GIRLS: &[&str] = &[
    "Layla", "Noor", "Yasmin", "Rania", "Elif", "Zeynep", "Shirin", "Dilan", "Lina", "Salma",
    "Maya", "Nadia", "Leyla", "Aya", "Hiba",
];
const MIDDLE_EASTERN_SURNAMES: &[&str] = &[
    "Haddad", "Karimi", "Yilmaz", "Kaya", "Demir", "Ahmadi", "Hosseini", "Abbas", "Saleh",
    "Nasser", "Öztürk", "Rahimi", "Barzani", "Khalil", "Mahmoud",
];

const LATIN_BOYS: &[&str] = &[
    "José", "Luis", "Mateo", "Santiago", "Gabriel", "João", "Diego", "Pedro", "Tomás", "Andrés",
];
const LATIN_GIRLS: &[&str] = &[
    "Sofía",
    "Valentina",
    "Camila",
    "Lucía",
    "Isabela",
    "Ana",
    "Mariana",
    "Beatriz",
    "Julieta",
    "Inês",
];
const LATIN_SURNAMES: &[&str] = &[
    "García",
    "Rodríguez",
    "Silva",
    "Santos",
    "Pereira",
    "Martínez",
    "Gómez",
    "Oliveira",
    "Costa",
    "Fernández",
];

fn lists(
    h: Heritage,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
) {
    match h {
        Heritage::British => (BRITISH_BOYS, BRITISH_GIRLS, BRITISH_SURNAMES),
        Heritage::Irish => (IRISH_BOYS, IRISH_GIRLS, IRISH_SURNAMES),
        Heritage::EastEuropean => (
            EAST_EUROPEAN_BOYS,
            EAST_EUROPEAN_GIRLS,
            EAST_EUROPEAN_SURNAMES,
        ),
        Heritage::SouthAsianMuslim => (
            SOUTH_ASIAN_MUSLIM_BOYS,
            SOUTH_ASIAN_MUSLIM_GIRLS,
            SOUTH_ASIAN_MUSLIM_SURNAMES,
        ),
        Heritage::Indian => (INDIAN_BOYS, INDIAN_GIRLS, INDIAN_SURNAMES),
        Heritage::African => (AFRICAN_BOYS, AFRICAN_GIRLS, AFRICAN_SURNAMES),
        Heritage::Caribbean => (CARIBBEAN_BOYS, CARIBBEAN_GIRLS, CARIBBEAN_SURNAMES),
        Heritage::Chinese => (CHINESE_BOYS, CHINESE_GIRLS, CHINESE_SURNAMES),
        Heritage::MiddleEastern => (
            MIDDLE_EASTERN_BOYS,
            MIDDLE_EASTERN_GIRLS,
            MIDDLE_EASTERN_SURNAMES,
        ),
        Heritage::Latin => (LATIN_BOYS, LATIN_GIRLS, LATIN_SURNAMES),
    }
}

/// A (forename, surname) pair for a pupil.
pub(crate) fn pupil_name(rng: &mut SynthRng, heritage: Heritage, sex: Sex) -> (String, String) {
    let (boys, girls, surnames) = lists(heritage);
    // One forename in eight comes from the British list whatever the heritage (and the
    // reverse is left out: the British list is already the most common).
    let forenames = if chance(rng, 0.12) {
        lists(Heritage::British).0
    } else {
        boys
    };
    let forename = match sex {
        Sex::Female => {
            if chance(rng, 0.12) {
                *pick(rng, BRITISH_GIRLS)
            } else {
                *pick(rng, girls)
            }
        }
        Sex::Male => *pick(rng, forenames),
        Sex::Unknown => {
            if chance(rng, 0.5) {
                *pick(rng, boys)
            } else {
                *pick(rng, girls)
            }
        }
    };
    let surname = *pick(rng, surnames);
    // Double-barrelled surnames happen.
    let surname = if heritage == Heritage::British && chance(rng, 0.03) {
        format!("{}-{}", surname, pick(rng, BRITISH_SURNAMES))
    } else {
        surname.to_owned()
    };
    (forename.to_owned(), surname)
}

/// An adult's name (social worker, school staff) from any list, weighted towards British.
pub(crate) fn adult_name(rng: &mut SynthRng) -> (String, String) {
    let h = *pick(
        rng,
        &[
            Heritage::British,
            Heritage::British,
            Heritage::British,
            Heritage::British,
            Heritage::British,
            Heritage::Irish,
            Heritage::EastEuropean,
            Heritage::SouthAsianMuslim,
            Heritage::Indian,
            Heritage::African,
            Heritage::Caribbean,
            Heritage::MiddleEastern,
        ],
    );
    let (boys, girls, surnames) = lists(h);
    // Social work and school safeguarding roles are mostly held by women.
    let forename = if chance(rng, 0.75) {
        pick(rng, girls)
    } else {
        pick(rng, boys)
    };
    ((*forename).to_owned(), (*pick(rng, surnames)).to_owned())
}

/// An email local part from a name: lower-case ASCII letters, `first.last`.
pub(crate) fn email_local(forename: &str, surname: &str) -> String {
    format!("{}.{}", ascii_slug(forename), ascii_slug(surname))
}

/// Lower-case ASCII letters and digits only (accents dropped to their base letter).
pub(crate) fn ascii_slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let base = match c {
                'á' | 'à' | 'â' | 'ä' | 'ą' | 'Á' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'ę' | 'É' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'Ó' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ã' | 'Ã' => 'a',
                'õ' | 'Ö' => 'o',
                'ç' => 'c',
                'ł' | 'Ł' => 'l',
                'ś' | 'Ś' | 'š' => 's',
                'ń' => 'n',
                'ż' | 'ź' | 'Ż' => 'z',
                'ć' | 'č' => 'c',
                'ř' => 'r',
                'ț' => 't',
                'ş' => 's',
                c => c,
            };
            base.is_ascii_alphanumeric()
                .then(|| base.to_ascii_lowercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{stream, Domain};

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(ascii_slug("Łukasz"), "lukasz");
        assert_eq!(ascii_slug("O'Sullivan"), "osullivan");
        assert_eq!(ascii_slug("Zoë"), "zoe");
        assert_eq!(email_local("Renée", "Smith-Jones"), "renee.smithjones");
    }

    #[test]
    fn names_are_non_empty() {
        let mut r = stream(1, Domain::Pupil, 1);
        for code in ["WBRI", "APKN", "BAFR", "CHNE", "OOTH", "MWBC", "WOTH"] {
            let h = Heritage::from_ethnicity(code, &mut r);
            let (f, s) = pupil_name(&mut r, h, Sex::Female);
            assert!(!f.is_empty() && !s.is_empty());
        }
    }
}
