//! Demo caseloads: realistic, made-up French case files for demonstrations and
//! benchmarks.
//!
//! Every person is invented: names are common French names drawn at random,
//! communes are real small towns of the Massif central (Creuse, Corrèze,
//! Haute-Vienne, Cantal, Lozère), phone numbers are random `06` numbers and
//! notes are assembled from a pool of typical sentences. Each case file is
//! written as a real device would write it, one change per edit (creation,
//! consent, visits, procedures, tasks), so histories, sync and storage see
//! realistic documents.
//!
//! The output depends only on the [`DemoSpec`] and the writer: person `i` is
//! drawn from its own ChaCha8 stream of the seed, so a caseload of 50 is the
//! start of the caseload of 10,000 with the same seed and `today`.

use std::fmt::Write as _;
use std::str::FromStr;

use carnet_core::{
    Agency, CaseFile, CaseId, ConsentRecord, CoreError, Day, Edit, EditContext, LocalDateTime, NewPerson,
    NewProcedure, NewTask, NewVisit, ProcedureId, ProcedureStatus, TaskId, VisitId, VisitKind, Writer,
};
use rand::seq::index;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Parameters of a demo caseload.
#[derive(Clone, Debug)]
pub struct DemoSpec {
    /// How many case files (one person each).
    pub people: usize,
    /// The seed: the same seed gives the same caseload.
    pub seed: u64,
    /// The day the caseload is seen from: visits fall in the 18 months before
    /// it, due dates around it.
    pub today: Day,
    /// The team's workers, who make the visits and hold the tasks; "Démo" when
    /// empty.
    pub workers: Vec<String>,
}

/// Builds `spec.people` case files, each written as several changes (create,
/// visits, procedures, tasks, consent) by `writer`.
/// Same spec => same content (names, communes, notes, dates, statuses, ids)
/// whatever the machine. The work is shared out between the machine's cores;
/// that changes how fast, never what.
///
/// # Errors
/// [`CoreError::InvalidValue`] when `spec.today` is too close to the ends of
/// the calendar the case files accept, and any error of
/// [`CaseFile::create`] or [`CaseFile::apply`].
pub fn build(spec: &DemoSpec, writer: Writer) -> Result<Vec<CaseFile>, CoreError> {
    build_people(spec, 0..spec.people, writer)
}

/// Builds the people of `people` (a range of positions in the caseload of
/// `spec`), so a large caseload can be built and stored in slices: person
/// `i` is the same whichever slice it is built in.
///
/// # Errors
/// As [`build`].
pub fn build_people(
    spec: &DemoSpec,
    people: std::ops::Range<usize>,
    writer: Writer,
) -> Result<Vec<CaseFile>, CoreError> {
    let count = people.len();
    let start = people.start;
    let today = day_number(&spec.today)?;
    let mut workers: Vec<&str> = spec
        .workers
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect();
    if workers.is_empty() {
        workers.push(DEFAULT_WORKER);
    }
    let base = ChaCha8Rng::seed_from_u64(spec.seed);
    // Most of the time goes into Automerge commits, one case file at a time,
    // so the people are shared out between the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, count.div_ceil(MIN_PEOPLE_PER_THREAD).max(1));
    let chunk = count.div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let people = start + t * chunk..start + ((t + 1) * chunk).min(count);
                let (base, workers) = (&base, &workers);
                scope.spawn(move || build_range(people, base, today, workers, writer))
            })
            .collect();
        let mut cases = Vec::with_capacity(count);
        for handle in handles {
            match handle.join() {
                Ok(part) => cases.extend(part?),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(cases)
    })
}

fn build_range(
    people: std::ops::Range<usize>,
    base: &ChaCha8Rng,
    today: i64,
    workers: &[&str],
    writer: Writer,
) -> Res<Vec<CaseFile>> {
    let mut note = String::with_capacity(NOTE_CAPACITY);
    people
        .map(|i| {
            // One stream per person: a person's content does not depend on how
            // many people come before it, nor on which thread draws it.
            let mut rng = base.clone();
            rng.set_stream(i as u64);
            build_case(&mut rng, today, workers, writer, &mut note)
        })
        .collect()
}

/// Below this, a thread costs more than it saves.
const MIN_PEOPLE_PER_THREAD: usize = 8;

/// The worker named when the spec names none.
const DEFAULT_WORKER: &str = "Démo";

/// Notes aim at a length drawn from this range (bytes); the last sentence may
/// go past it by one sentence.
const NOTE_TARGET: std::ops::RangeInclusive<usize> = 1050..=1900;
const NOTE_CAPACITY: usize = 2600;

/// Visits fall at most this many days before `today` (about 18 months, less a
/// margin for moving weekend visits back to the Friday).
const FIRST_VISIT_MAX_DAYS: i64 = 540;

/// Paris is one or two hours ahead of UTC; one hour is close enough here.
const LOCAL_OFFSET_MIN: i64 = 60;

type Res<T> = Result<T, CoreError>;

// ---------------------------------------------------------------- people

const FEMALE_NAMES: &[&str] = &[
    "Hélène",
    "Françoise",
    "Noémie",
    "Monique",
    "Josiane",
    "Ginette",
    "Yvette",
    "Simone",
    "Odette",
    "Jacqueline",
    "Marie-Thérèse",
    "Colette",
    "Sylvie",
    "Nathalie",
    "Isabelle",
    "Véronique",
    "Brigitte",
    "Martine",
    "Christiane",
    "Éliane",
    "Céline",
    "Aurélie",
    "Émilie",
    "Élodie",
    "Chloé",
    "Léa",
    "Maëlle",
    "Mélanie",
    "Valérie",
    "Sandrine",
    "Agnès",
    "Renée",
    "Andrée",
    "Danièle",
    "Geneviève",
    "Mireille",
];

const MALE_NAMES: &[&str] = &[
    "Jérôme",
    "Gaël",
    "Jean-Pierre",
    "Bernard",
    "Gérard",
    "Michel",
    "René",
    "Marcel",
    "Raymond",
    "Roger",
    "André",
    "Lucien",
    "Henri",
    "Jean-Claude",
    "Daniel",
    "Alain",
    "Patrick",
    "Thierry",
    "Pascal",
    "Frédéric",
    "Stéphane",
    "Sébastien",
    "Cédric",
    "Benoît",
    "Hervé",
    "Joël",
    "Loïc",
    "Noël",
    "Rémi",
    "Théo",
    "Mathéo",
    "Kévin",
    "Grégory",
    "Régis",
    "Fabrice",
    "Ludovic",
];

const LAST_NAMES: &[&str] = &[
    "Lefèvre",
    "Bénard",
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Faure",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Chevalier",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Morin",
    "Clément",
    "Mathieu",
    "Lemaire",
    "Brun",
    "Roussel",
    "Giraud",
    "Duval",
    "Denis",
    "Marchand",
    "Mallet",
    "Chauvet",
    "Delage",
    "Lagrange",
    "Peyrat",
    "Mazière",
    "Bouchet",
    "Chabrol",
    "Vergne",
    "Tixier",
    "Delpeuch",
    "Pouget",
    "Malaval",
    "Besse",
    "Teyssier",
    "Cheminade",
    "Bouyssou",
    "Lachaud",
    "Couderc",
    "Rouchy",
    "Chassagne",
    "Aubert",
    "Pradel",
    "Vialle",
    "Estival",
    "Boudet",
    "Mazet",
    "Granier",
    "Jourde",
    "Rigal",
    "Sabatier",
    "Vidal",
    "Crouzet",
    "Lhéritier",
    "Desroches",
    "Gaillard",
    "Béraud",
    "Chaumeil",
    "Thévenet",
    "Ménard",
    "Pélissier",
    "Bréchet",
    "Fauché",
    "Lavergne",
    "Peyronnet",
];

/// A department: its prefecture (where the agencies' offices are) and the
/// small towns that hold a France Services permanence or a market.
struct Department {
    prefecture: &'static str,
    towns: &'static [&'static str],
}

const DEPARTMENTS: &[Department] = &[
    Department {
        prefecture: "Guéret",
        towns: &[
            "Aubusson",
            "Felletin",
            "Bourganeuf",
            "Boussac",
            "Auzances",
            "Dun-le-Palestel",
        ],
    },
    Department {
        prefecture: "Tulle",
        towns: &[
            "Meymac",
            "Égletons",
            "Treignac",
            "Neuvic",
            "Bort-les-Orgues",
            "Ussel",
        ],
    },
    Department {
        prefecture: "Limoges",
        towns: &[
            "Eymoutiers",
            "Bellac",
            "Châlus",
            "Saint-Léonard-de-Noblat",
            "Saint-Yrieix-la-Perche",
        ],
    },
    Department {
        prefecture: "Aurillac",
        towns: &["Saint-Flour", "Murat", "Riom-ès-Montagnes", "Mauriac", "Maurs"],
    },
    Department {
        prefecture: "Mende",
        towns: &[
            "Marvejols",
            "Langogne",
            "Florac-Trois-Rivières",
            "Saint-Chély-d'Apcher",
            "Meyrueis",
        ],
    },
];

/// Communes of residence, with their department (an index in [`DEPARTMENTS`]).
const COMMUNES: &[(&str, usize)] = &[
    ("Felletin", 0),
    ("Aubusson", 0),
    ("Bourganeuf", 0),
    ("Sainte-Feyre", 0),
    ("Gouzon", 0),
    ("Chénérailles", 0),
    ("Crocq", 0),
    ("Ahun", 0),
    ("Bénévent-l'Abbaye", 0),
    ("Royère-de-Vassivière", 0),
    ("Évaux-les-Bains", 0),
    ("Pontarion", 0),
    ("La Courtine", 0),
    ("Gentioux-Pigerolles", 0),
    ("Faux-la-Montagne", 0),
    ("Le Grand-Bourg", 0),
    ("Meymac", 1),
    ("Égletons", 1),
    ("Bugeat", 1),
    ("Sornac", 1),
    ("Treignac", 1),
    ("Neuvic", 1),
    ("Lapleau", 1),
    ("Chamberet", 1),
    ("Peyrelevade", 1),
    ("Marcillac-la-Croisille", 1),
    ("Eymoutiers", 2),
    ("Peyrat-le-Château", 2),
    ("Châteauneuf-la-Forêt", 2),
    ("Châlus", 2),
    ("Nexon", 2),
    ("Magnac-Laval", 2),
    ("Bessines-sur-Gartempe", 2),
    ("Saint-Sulpice-les-Feuilles", 2),
    ("Saint-Flour", 3),
    ("Murat", 3),
    ("Allanche", 3),
    ("Condat", 3),
    ("Pierrefort", 3),
    ("Chaudes-Aigues", 3),
    ("Massiac", 3),
    ("Marcenat", 3),
    ("Marvejols", 4),
    ("Langogne", 4),
    ("Le Malzieu-Ville", 4),
    ("Villefort", 4),
    ("Nasbinals", 4),
    ("Aumont-Aubrac", 4),
    ("Chanac", 4),
    ("La Canourgue", 4),
];

/// Relatives or neighbours who help: as named in a sentence, and as listed
/// among the people present (a template). Older people are helped by their
/// children's generation, younger ones by parents, siblings and friends.
const OLDER_RELATIVES: &[(&str, &str)] = &[
    ("sa fille", "la fille de {nom}"),
    ("son fils", "le fils de {nom}"),
    ("sa nièce", "la nièce de {nom}"),
    ("son neveu", "le neveu de {nom}"),
    ("une voisine", "une voisine de {nom}"),
    ("un voisin", "un voisin de {nom}"),
    ("sa belle-fille", "la belle-fille de {nom}"),
    ("son petit-fils", "le petit-fils de {nom}"),
];

const YOUNGER_RELATIVES: &[(&str, &str)] = &[
    ("sa mère", "la mère de {nom}"),
    ("son père", "le père de {nom}"),
    ("sa sœur", "la sœur de {nom}"),
    ("son frère", "le frère de {nom}"),
    ("une voisine", "une voisine de {nom}"),
    ("une amie", "une amie de {nom}"),
];

const HOUSEHOLDS: &[&str] = &[
    "Vit {seul|seule} au bourg, dans un appartement au-dessus d'un ancien commerce.",
    "Vit {seul|seule} dans un logement communal loué par la mairie.",
    "{Installé|Installée} dans la commune depuis deux ans, sans famille à proximité.",
    "Vit en couple dans une ancienne ferme devenue trop grande, à quelques kilomètres du bourg.",
];

const OLDER_HOUSEHOLDS: &[&str] = &[
    "Vit {seul|seule} dans une maison ancienne à l'écart du bourg, {veuf|veuve} depuis plusieurs années.",
    "Vit {seul|seule} depuis l'entrée de son conjoint en maison de retraite.",
    "Vit avec son conjoint, en perte d'autonomie, dont {il|elle} s'occupe au quotidien.",
];

const YOUNGER_HOUSEHOLDS: &[&str] = &[
    "{Séparé|Séparée} depuis peu, vit avec deux enfants scolarisés au collège {de_ville}.",
    "Vit en couple avec un enfant en bas âge, dans une maison louée à un particulier.",
    "Hébergé{|e} chez {proche} depuis la fin de son bail, en attendant un logement.",
];

const RETIRED_RESOURCES: &[&str] = &[
    "Petite retraite agricole, une demande d'ASPA est envisagée.",
    "Retraite du régime général et pension de réversion, revenus modestes.",
    "{Ancien|Ancienne} {commerçant|commerçante}, retraite faible et épargne épuisée.",
    "Retraite de base seulement, les années à la ferme familiale n'ayant pas toutes été déclarées.",
];

const WORKING_RESOURCES: &[&str] = &[
    "Au RSA depuis la fin de son contrat saisonnier.",
    "Travaille à temps partiel comme aide à domicile et perçoit la prime d'activité.",
    "En arrêt maladie de longue durée, indemnités journalières versées irrégulièrement.",
    "Perçoit l'allocation adulte handicapé ; le dossier MDPH est à renouveler.",
    "{Inscrit|Inscrite} à France Travail, sans indemnisation.",
];

const CONCERNS: &[&str] = &[
    "Difficultés avec les démarches en ligne, courriers en retard.",
    "Logement mal isolé, factures d'énergie lourdes.",
    "Pas de voiture, dépend de {proche} pour les rendez-vous.",
    "{Orienté|Orientée} par la secrétaire de mairie après plusieurs impayés.",
    "{Signalé|Signalée} par l'infirmière libérale pour un isolement croissant.",
    "{Suivi|Suivie} à la demande de {proche}, qui habite loin.",
];

const CONSENT_SCOPES: &[&str] = &[
    "suivi des démarches administratives",
    "suivi des démarches administratives et échanges avec les organismes",
    "conservation des notes de visite et partage au sein de l'équipe",
    "accompagnement social et contacts avec la CAF, la CPAM et la MSA",
];

// ---------------------------------------------------------------- visits

/// Visit topics, each with sentences for the notes of visits about it.
const TOPICS: &[(&str, &[&str])] = &[
    ("CAF", CAF_NOTES),
    ("MSA", MSA_NOTES),
    ("CPAM", CPAM_NOTES),
    ("retraite", PENSION_NOTES),
    ("logement", HOUSING_NOTES),
    ("énergie", ENERGY_NOTES),
    ("santé", HEALTH_NOTES),
    ("mobilité", MOBILITY_NOTES),
    ("numérique", DIGITAL_NOTES),
    ("impôts", TAX_NOTES),
    ("emploi", WORK_NOTES),
    ("budget", BUDGET_NOTES),
];

const CAF_NOTES: &[&str] = &[
    "Point sur le dossier CAF : la déclaration trimestrielle de ressources n'avait pas été faite, \
     nous l'avons remplie ensemble sur l'espace en ligne.",
    "Courrier de la CAF réclamant un indu de plusieurs centaines d'euros ; {nom} ne sait pas d'où il \
     vient, nous demanderons le détail du calcul.",
    "Appel à la CAF depuis le téléphone de {nom} : quarante minutes d'attente avant d'obtenir une \
     conseillère, qui confirme que le dossier est complet.",
    "L'attestation de loyer manquait toujours dans le dossier d'aide au logement ; le propriétaire a \
     promis de la renvoyer signée cette semaine.",
    "L'aide au logement a baissé sans explication ; nous avons vérifié ensemble les ressources \
     déclarées et le montant annoncé sur le dernier courrier.",
    "Simulation faite sur le site de la CAF : la baisse des ressources de {nom} pourrait ouvrir droit \
     à une aide au logement plus élevée.",
];

const MSA_NOTES: &[&str] = &[
    "Le dossier MSA attend un avis d'imposition que {nom} pensait avoir envoyé ; nous en avons \
     imprimé une copie à joindre.",
    "Appel à la MSA : l'agence la plus proche ne reçoit plus que sur rendez-vous, un créneau est \
     proposé dans trois semaines.",
    "Ayant travaillé dans une exploitation agricole, {nom} relève toujours de la MSA pour la \
     santé ; la carte Vitale n'a pas été mise à jour depuis le changement de situation.",
    "Le formulaire de complémentaire santé solidaire de la MSA est rempli, il reste à joindre les \
     relevés de compte des trois derniers mois.",
    "Courrier de la MSA demandant de justifier les revenus de la location des terres ; nous avons \
     retrouvé le bail dans le classeur.",
    "La travailleuse sociale de la MSA a été contactée pour coordonner nos interventions et éviter \
     de demander deux fois les mêmes papiers.",
];

const CPAM_NOTES: &[&str] = &[
    "La carte Vitale ne passe plus à la pharmacie ; la CPAM évoque une mise à jour des droits, à \
     régulariser avec l'attestation de la caisse de retraite.",
    "Dossier de complémentaire santé solidaire envoyé à la CPAM il y a six semaines, sans réponse ; \
     relance faite par message sur le compte ameli.",
    "{nom} n'a plus de médecin traitant depuis le départ en retraite du médecin du bourg ; deux \
     cabinets {de_ville} ont été appelés, sans succès pour l'instant.",
    "Les remboursements de taxi conventionné pour les séances {a_pref} n'arrivent pas ; il manque la \
     prescription médicale de transport.",
    "Création du compte ameli avec {nom}, qui a reçu le code provisoire par courrier ; le mot de \
     passe est noté dans son carnet, rangé à part.",
    "Demande de prise en charge à 100 % en cours auprès de la CPAM, le médecin doit envoyer le \
     protocole de soins.",
];

const PENSION_NOTES: &[&str] = &[
    "Le relevé de carrière comporte des trous pour les années de travail saisonnier ; {nom} a \
     retrouvé quelques fiches de paie dans une boîte à chaussures.",
    "Dossier de pension de réversion à compléter : il manque l'acte de décès et le livret de \
     famille, que {proche} doit rapporter.",
    "Estimation faite : avec une petite retraite, {nom} pourrait avoir droit à l'ASPA ; nous avons \
     expliqué la récupération sur succession, point qui l'inquiète beaucoup.",
    "Appel à la caisse de retraite : le versement de ce mois a été retardé par un changement de \
     banque, il devrait arriver sous dix jours.",
    "Demande de retraite en ligne commencée ensemble ; {nom} doit retrouver les certificats de \
     travail de ses premiers employeurs.",
    "Courrier de la caisse de retraite complémentaire demandant un certificat de vie ; formulaire \
     rempli et signé, à faire tamponner en mairie.",
];

const HOUSING_NOTES: &[&str] = &[
    "Le logement est humide, moisissures au plafond de la chambre ; {nom} dort dans la pièce \
     principale. Un signalement au service habitat de la communauté de communes est possible.",
    "Le propriétaire tarde à faire réparer la fenêtre de la cuisine malgré deux courriers ; nous \
     avons proposé d'en rédiger un troisième en recommandé.",
    "Demande de logement social à renouveler avant la date anniversaire ; {nom} souhaite un \
     rez-de-chaussée {a_ville}, plus près des commerces.",
    "Point sur l'adaptation du logement : une douche de plain-pied serait nécessaire, le dossier \
     d'aide peut être monté avec l'opérateur habitat du département.",
    "Retard de loyer de deux mois ; le bailleur accepte un échéancier si la situation CAF est \
     régularisée rapidement.",
    "La maison est grande et difficile à entretenir ; {nom} commence à envisager un logement plus \
     petit au bourg, sans vouloir se décider tout de suite.",
];

const ENERGY_NOTES: &[&str] = &[
    "Le poêle à bois est la seule source de chauffage ; la réserve ne tiendra pas jusqu'à la fin de \
     l'hiver, à voir avec le CCAS pour une aide ponctuelle.",
    "Facture de régularisation d'électricité très élevée ; nous avons appelé le fournisseur pour \
     obtenir un échéancier sur six mois.",
    "Le chèque énergie de l'an dernier a été retrouvé dans un tiroir ; nous avons vérifié qu'il \
     était encore valable et comment l'envoyer au fournisseur de fioul.",
    "La cuve de fioul est presque vide et la livraison minimale coûte plus que ce que {nom} peut \
     avancer ; une demande au fonds de solidarité logement est à envisager.",
    "Le séjour est difficile à chauffer : 15 degrés l'hiver dernier en milieu de journée. {nom} dit s'y être \
     {habitué|habituée}, mais {proche} s'en inquiète.",
    "Passage prévu d'un conseiller France Rénov' pour un diagnostic de l'isolation ; {nom} est \
     d'accord pour le recevoir.",
];

const HEALTH_NOTES: &[&str] = &[
    "{nom} évoque des douleurs au genou qui limitent ses déplacements ; le rendez-vous chez le \
     spécialiste {a_pref} est dans quatre mois.",
    "Le pilulier est bien rempli par l'infirmière qui passe deux fois par semaine ; pas d'oubli de \
     traitement signalé.",
    "Sortie d'hospitalisation il y a trois semaines ; le retour à domicile se passe mieux que prévu \
     grâce au portage de repas.",
    "Fatigue importante et moral en baisse depuis quelques semaines ; nous avons encouragé {nom} à \
     en parler à son médecin, ce qu'{il|elle} a accepté.",
    "Les lunettes sont cassées depuis l'été ; un devis est demandé à l'opticien {de_ville} pour voir \
     ce que prendra en charge la complémentaire.",
    "Le rendez-vous chez le dentiste a été repoussé deux fois faute de transport ; un covoiturage \
     avec une voisine est à l'étude.",
];

const MOBILITY_NOTES: &[&str] = &[
    "{nom} ne conduit plus depuis l'hiver dernier ; le transport à la demande passe le mardi, à \
     réserver la veille avant midi.",
    "La voiture doit passer au contrôle technique et les réparations annoncées dépassent sa valeur ; \
     la question de la remplacer reste ouverte.",
    "Le permis de conduire doit être renouvelé ; la demande se fait sur le site de l'ANTS, que {nom} \
     n'a jamais utilisé.",
    "Pas de bus direct vers {ville} les jours de marché ; {proche} accompagne {nom} quand c'est \
     possible, mais pas toutes les semaines.",
    "Demande de carte grise bloquée sur le site de l'ANTS depuis le changement d'adresse ; nous \
     avons ouvert une réclamation en ligne.",
    "Information donnée sur la navette solidaire de l'association locale, qui fonctionne avec des \
     chauffeurs bénévoles.",
];

const DIGITAL_NOTES: &[&str] = &[
    "{nom} n'a pas d'ordinateur et un téléphone ancien ; les démarches en ligne sont faites ensemble \
     lors de nos visites ou à la permanence.",
    "Mot de passe de la messagerie perdu ; récupération faite avec le numéro de téléphone, nouveau \
     mot de passe noté dans le carnet rangé avec les papiers.",
    "Le réseau mobile passe mal dans le hameau, il faut sortir dans la cour pour recevoir les codes \
     de validation par SMS.",
    "Création d'une adresse électronique réservée aux démarches administratives, plus simple que \
     celle partagée avec {proche}.",
    "Proposition d'un atelier numérique à la médiathèque {de_ville} ; {nom} hésite mais veut bien \
     essayer une première séance.",
    "Connexion par FranceConnect avec le compte ameli : plus besoin de retenir un identifiant par \
     organisme, ce qui rassure {nom}.",
];

const TAX_NOTES: &[&str] = &[
    "Déclaration de revenus faite ensemble en ligne ; {nom} n'en avait pas déposé depuis deux ans, \
     ce qui bloquait l'ouverture de plusieurs droits.",
    "Avis de taxe foncière difficile à régler en une fois ; un paiement échelonné est à demander au \
     centre des finances publiques.",
    "L'avis de non-imposition est indispensable pour les dossiers en cours ; il a été téléchargé \
     depuis l'espace particulier et imprimé en trois exemplaires.",
    "Rendez-vous pris à l'accueil des finances publiques {de_pref} pour une pension alimentaire \
     déclarée en double.",
    "Courrier des impôts sur un prélèvement à la source trop élevé ; le taux a été modulé en ligne.",
    "{nom} pensait devoir payer la taxe d'habitation ; nous avons expliqué qu'elle ne concerne plus \
     la résidence principale.",
];

const WORK_NOTES: &[&str] = &[
    "Simulation faite sur le site de la CAF : avec ce petit contrat, {nom} garderait une partie du \
     RSA et toucherait la prime d'activité.",
    "{nom} a repris quelques heures de ménage chez des particuliers, payées en chèque emploi \
     service ; il faudra les déclarer à la CAF.",
    "L'inscription à France Travail est à actualiser chaque mois ; l'actualisation du mois dernier a \
     été oubliée, la radiation est à éviter.",
    "Un contrat saisonnier à la coopérative agricole est possible au printemps ; {nom} craint de \
     perdre ses droits en le prenant.",
    "Échange avec la conseillère France Travail {de_ville} pour un accompagnement global, en lien \
     avec les difficultés de santé.",
    "Le CV a été repris ensemble : il y manquait les années de travail à la ferme familiale, qui \
     comptent pourtant comme expérience.",
    "Piste d'un emploi d'aide à domicile dans l'association du canton, à condition de trouver une \
     solution pour le transport.",
];

const BUDGET_NOTES: &[&str] = &[
    "Budget refait avec {nom} : une fois le loyer, l'électricité et l'assurance payés, il reste \
     environ cent cinquante euros pour le mois.",
    "Plusieurs prélèvements oubliés (téléphone, assurance obsèques, magazine) ; nous avons listé \
     ceux à résilier.",
    "Découvert bancaire en fin de mois et frais d'incident élevés ; l'offre client fragile est à \
     demander à la banque.",
    "Orientation vers l'épicerie solidaire {de_ville}, ouverte le vendredi ; {nom} accepte d'y aller \
     avec {proche}.",
    "La question d'un dossier de surendettement a été abordée ; {nom} préfère d'abord négocier avec \
     ses créanciers.",
    "Une aide financière ponctuelle du CCAS est accordée pour la facture d'eau, versée directement au \
     fournisseur.",
];

const HOME_OPENINGS: &[&str] = &[
    "Visite au domicile de {nom}, {a_commune}, à l'heure convenue. {Il|Elle} nous attendait avec ses \
     papiers rangés dans une pochette sur la table de la cuisine.",
    "Passage chez {nom} comme prévu. Accueil chaleureux, café proposé ; {il|elle} avait noté ses \
     questions sur un carnet depuis notre dernière rencontre.",
    "Nous avons retrouvé {nom} dans la pièce principale, la seule vraiment chauffée de la maison.",
    "Visite au domicile en présence de {proche}, qui aide {nom} pour les courses et les rendez-vous.",
    "Rendez-vous au domicile de {nom}, fixé lors de notre dernier appel. {Il|Elle} paraissait plus \
     {reposé|reposée} que la fois précédente.",
];

/// Home openings that only make sense from November to March.
const WINTER_HOME_OPENINGS: &[&str] = &[
    "Arrivée avec un peu de retard : la route du hameau était encore glissante. {nom} nous a reçus \
     dans la cuisine.",
    "Visite par grand froid ; {nom} nous attendait près du poêle, la seule pièce chauffée étant la \
     cuisine.",
];

const OFFICE_OPENINGS: &[&str] = &[
    "{nom} est {venu|venue} à la {lieu} avec un courrier qu'{il|elle} ne comprenait pas.",
    "Rendez-vous à la {lieu}. {nom} a été {déposé|déposée} par {proche}, faute de voiture.",
    "Entretien à la {lieu}, dans le petit bureau réservé aux rendez-vous.",
    "{nom} s'est {présenté|présentée} à l'heure à la {lieu}, avec les documents demandés la dernière \
     fois, à une pièce près.",
];

const PHONE_OPENINGS: &[&str] = &[
    "Appel de {nom}, {inquiet|inquiète} après avoir reçu un courrier de relance.",
    "Entretien téléphonique prévu de longue date : {nom} préfère le téléphone depuis que la route est \
     difficile l'hiver.",
    "Nous avons appelé {nom} pour faire le point sur les démarches en cours ; {il|elle} avait son \
     dossier sous la main.",
];

const OTHER_OPENINGS: &[&str] = &[
    "Accompagnement de {nom} {a_ville} pour un rendez-vous administratif, trajet fait avec le \
     véhicule du service.",
    "Rencontre avec {nom} au marché {de_ville}, puis échange plus au calme dans un café.",
];

/// Sentences that fit any visit: paperwork, family, health, heating, daily life.
const GENERAL: &[&str] = &[
    "Les papiers ont été classés ensemble dans un classeur à intercalaires : santé, retraite, \
     logement, banque, impôts.",
    "{Proche} a appelé pendant la visite ; nous avons convenu de l'informer des démarches en cours, \
     avec l'accord de {nom}.",
    "Plusieurs courriers non ouverts attendaient sur le buffet ; nous les avons ouverts et triés \
     ensemble, rien d'urgent à part une relance.",
    "{nom} se dit {fatigué|fatiguée} de devoir raconter sa situation à chaque organisme ; nous avons \
     rappelé que nous pouvons faire le lien.",
    "Le frigo était bien garni et la maison rangée ; {nom} semble bien s'organiser au quotidien.",
    "Discussion sur l'isolement : depuis la fermeture du café du bourg, {nom} voit moins de monde, en \
     dehors du facteur et de l'infirmière.",
    "Le facteur passe tous les jours et peut signaler une difficulté dans le cadre du service de \
     veille.",
    "Un justificatif de domicile de moins de trois mois manque encore ; la dernière facture d'eau fera \
     l'affaire.",
    "Nous avons photocopié la carte d'identité, le RIB et la dernière attestation de paiement, pour \
     avoir un jeu complet de pièces.",
    "La carte d'identité est périmée depuis l'an dernier ; le rendez-vous se prend dans une mairie \
     équipée, la plus proche étant celle {de_ville}.",
    "{nom} avait gardé la lettre de la caisse deux semaines sans oser appeler ; nous avons appelé \
     ensemble.",
    "Les relations avec {proche} sont bonnes mais les visites sont rares, la distance et le travail \
     ne facilitent pas les choses.",
    "Le jardin reste une vraie source de plaisir ; {nom} nous a montré les pommes de terre et parlé \
     longuement de ses poules.",
    "Signature du mandat qui nous permet d'échanger avec les organismes pour les démarches en cours.",
    "La secrétaire de mairie connaît bien la situation et peut relayer les courriers urgents si nous \
     ne sommes pas joignables.",
    "L'aide à domicile vient deux heures par semaine ; {nom} souhaiterait une heure de plus pour les \
     courses, à demander au conseil départemental.",
    "Question posée sur l'allocation personnalisée d'autonomie ; l'évaluation à domicile peut être \
     demandée au conseil départemental.",
    "La téléassistance est installée mais {nom} ne porte pas le bracelet la nuit ; nous avons rappelé \
     pourquoi il est utile.",
    "Sur la table, un courrier publicitaire imitant une facture officielle ; nous avons expliqué qu'il \
     ne fallait pas y répondre.",
    "Appel d'un démarcheur pendant la visite pour une isolation à un euro ; {nom} a bien compris qu'il \
     ne fallait rien signer au téléphone.",
    "Le ménage est plus difficile depuis la chute de l'automne, mais {nom} refuse pour l'instant toute \
     aide supplémentaire.",
    "Nous avons refait la liste des numéros utiles, écrite en gros caractères et affichée près du \
     téléphone.",
    "{nom} nous a remis une enveloppe de justificatifs préparée à l'avance, ce qui a permis d'avancer \
     vite.",
    "Il manquait encore le RIB pour finaliser le dossier ; {nom} doit passer à l'agence bancaire \
     {de_ville} cette semaine.",
    "Le moral est meilleur qu'au dernier passage, notamment depuis que {proche} appelle plus souvent.",
    "{nom} se dit {soulagé|soulagée} de voir que les démarches avancent, même lentement.",
    "Beaucoup de temps passé à chercher un document qui était finalement dans la boîte à gants de la \
     voiture.",
    "Échange avec l'infirmière libérale, de passage au même moment : rien d'alarmant, mais une \
     vigilance sur l'alimentation.",
    "Le portage de repas fonctionne bien, même si {nom} trouve les menus trop répétitifs.",
    "Le téléphone fixe a été coupé par erreur lors du passage à la fibre ; une réclamation est ouverte \
     auprès de l'opérateur.",
    "Le courrier arrive encore à l'ancienne adresse ; un suivi de courrier a été demandé et les \
     organismes prévenus.",
    "Pas de difficulté particulière depuis la dernière visite ; les rendez-vous médicaux ont été \
     honorés.",
    "Le rendez-vous médical {a_pref} tombe un jour sans transport à la demande ; {proche} pourrait \
     poser une demi-journée.",
];

/// Everyday sentences that only make sense from November to March.
const WINTER_GENERAL: &[&str] = &[
    "La neige annoncée cette semaine pourrait bloquer le chemin d'accès ; {nom} a de quoi tenir \
     quelques jours.",
    "Le chauffage au bois demande de porter les bûches depuis l'appentis ; {proche} a rentré une \
     réserve pour la semaine.",
    "{nom} a parlé de son inquiétude pour l'hiver et le coût du chauffage ; nous avons regardé \
     ensemble les aides possibles.",
    "La maison était froide à notre arrivée ; {nom} n'allume le chauffage qu'en fin de journée pour \
     économiser.",
];

const CLOSINGS: &[&str] = &[
    "Prochaine étape : relancer l'organisme si rien n'arrive d'ici quinze jours, et repasser {jour} \
     prochain pour signer les documents.",
    "À faire de notre côté : envoyer les pièces scannées et appeler la conseillère pour confirmer la \
     réception. Prochain passage dans un mois environ.",
    "Convenu de se rappeler en début de semaine prochaine ; {nom} garde les courriers qui arriveraient \
     d'ici là sans y répondre.",
    "Prochaine visite fixée {jour} en quinze, à domicile. {nom} doit préparer ses trois derniers \
     relevés de compte.",
    "Suite : point d'équipe avec {collegue} pour répartir les démarches, puis appel à {nom} pour dire \
     qui s'occupe de quoi.",
    "Nous repasserons après la réponse de l'organisme. En cas de nouvelle difficulté, {nom} a le \
     numéro de la permanence.",
    "À revoir au prochain passage : les factures, la réponse attendue et le transport pour le \
     rendez-vous médical.",
    "{nom} est d'accord pour que nous contactions {proche} si nous n'arrivons pas à {le|la} joindre \
     pendant plusieurs jours.",
    "Prochain rendez-vous à la permanence {de_ville}, {jour} matin ; rappel par téléphone la veille.",
    "Rien à faire dans l'immédiat ; appel de suivi dans trois semaines pour vérifier que le versement \
     est bien arrivé.",
];

const WEEKDAYS: &[&str] = &["lundi", "mardi", "mercredi", "jeudi", "vendredi"];

// ---------------------------------------------------------------- procedures and tasks

fn agency_weight(agency: Agency, retired: bool) -> u32 {
    match agency {
        Agency::Caf => 24,
        Agency::Cpam => 20,
        Agency::Msa => 14,
        Agency::Retraite if retired => 24,
        Agency::Retraite => 6,
        Agency::Impots => 6,
        Agency::Ants => 5,
        Agency::Mdph => 5,
        Agency::Energie => 5,
        Agency::FranceTravail if retired => 0,
        Agency::FranceTravail => 8,
        Agency::Other => 3,
    }
}

/// What a procedure with `agency` can be about; retired people do not claim
/// working-age benefits.
fn agency_whats(agency: Agency, retired: bool) -> &'static [&'static str] {
    match agency {
        Agency::Caf if retired => &["APL", "déclaration de changement de situation"],
        Agency::Msa if retired => &["complémentaire santé solidaire", "APL"],
        Agency::Cpam if retired => &[
            "complémentaire santé solidaire",
            "carte Vitale",
            "déclaration de médecin traitant",
            "remboursement de transport sanitaire",
            "affection de longue durée",
        ],
        Agency::Retraite if !retired => &["pension de réversion", "régularisation du relevé de carrière"],
        Agency::Mdph if retired => &[
            "carte mobilité inclusion",
            "prestation de compensation du handicap",
        ],
        Agency::Caf => &[
            "RSA",
            "APL",
            "prime d'activité",
            "allocation de rentrée scolaire",
            "déclaration de changement de situation",
        ],
        Agency::Msa => &[
            "prime d'activité",
            "complémentaire santé solidaire",
            "APL",
            "déclaration trimestrielle de ressources",
        ],
        Agency::Cpam => &[
            "complémentaire santé solidaire",
            "carte Vitale",
            "déclaration de médecin traitant",
            "indemnités journalières",
            "remboursement de transport sanitaire",
            "affection de longue durée",
        ],
        Agency::Retraite => &[
            "ASPA",
            "pension de réversion",
            "demande de retraite",
            "retraite complémentaire",
            "régularisation du relevé de carrière",
        ],
        Agency::Impots => &[
            "déclaration de revenus",
            "avis de non-imposition",
            "paiement échelonné de la taxe foncière",
            "création de l'espace particulier",
        ],
        Agency::Ants => &["carte grise", "carte d'identité", "permis de conduire"],
        Agency::Mdph => &[
            "allocation adulte handicapé",
            "carte mobilité inclusion",
            "prestation de compensation du handicap",
            "reconnaissance de travailleur handicapé",
        ],
        Agency::Energie => &[
            "chèque énergie",
            "échéancier de paiement",
            "fonds de solidarité logement (énergie)",
        ],
        Agency::FranceTravail => &[
            "inscription",
            "allocation de solidarité spécifique",
            "accompagnement global",
        ],
        Agency::Other => &[
            "dossier de surendettement",
            "demande de logement social",
            "allocation personnalisée d'autonomie",
            "aide à l'adaptation du logement",
        ],
    }
}

fn status_weight(status: ProcedureStatus) -> u32 {
    match status {
        ProcedureStatus::ToDo => 15,
        ProcedureStatus::InProgress => 30,
        ProcedureStatus::Submitted => 25,
        ProcedureStatus::Granted => 18,
        ProcedureStatus::Refused => 5,
        ProcedureStatus::Suspended => 7,
    }
}

fn next_steps(status: ProcedureStatus) -> &'static [&'static str] {
    match status {
        ProcedureStatus::ToDo => &[
            "Rassembler les justificatifs et prendre rendez-vous pour remplir le dossier",
            "Vérifier les droits avec une simulation en ligne",
            "Demander le formulaire papier à l'accueil",
        ],
        ProcedureStatus::InProgress => &[
            "Compléter le formulaire avec les ressources des trois derniers mois",
            "Attendre l'attestation manquante puis envoyer le dossier",
            "Faire signer le dossier et joindre le RIB",
        ],
        ProcedureStatus::Submitted => &[
            "Relancer si pas de réponse d'ici un mois",
            "Vérifier la réception du dossier sur l'espace en ligne",
            "Attendre la décision et prévenir la personne dès réception",
        ],
        ProcedureStatus::Granted => &[
            "Vérifier le premier versement sur le relevé de compte",
            "Classer la notification dans le classeur",
            "Prévoir le renouvellement l'an prochain",
        ],
        ProcedureStatus::Refused => &[
            "Étudier un recours amiable avec la personne",
            "Demander le détail du motif de refus",
            "Chercher une autre aide possible",
        ],
        ProcedureStatus::Suspended => &[
            "Envoyer les pièces demandées pour lever la suspension",
            "Appeler l'organisme pour comprendre la suspension",
            "Régulariser la déclaration de ressources",
        ],
    }
}

const TASK_TITLES: &[&str] = &[
    "Rappeler {nom} pour faire le point",
    "Relancer la CAF sur le dossier en attente",
    "Envoyer la copie de l'avis d'imposition",
    "Prendre rendez-vous à la permanence {de_ville}",
    "Vérifier le versement de la pension",
    "Demander l'attestation de loyer au propriétaire",
    "Transmettre le dossier complet à la MDPH",
    "Réserver le transport à la demande pour le rendez-vous {a_pref}",
    "Poster le courrier recommandé au propriétaire",
    "Demander le devis de l'opticien",
    "Préparer le dossier de complémentaire santé solidaire",
    "Appeler l'infirmière pour coordonner les passages",
    "Rappeler le fournisseur d'énergie pour l'échéancier",
    "Scanner les justificatifs et les envoyer",
    "Faire le point en équipe sur la situation de {nom}",
    "Appeler {proche} avant la prochaine visite",
];

fn kind_weight(kind: VisitKind) -> u32 {
    match kind {
        VisitKind::Home => 64,
        VisitKind::Office => 18,
        VisitKind::Phone => 14,
        VisitKind::Other => 4,
    }
}

// ---------------------------------------------------------------- building

/// Who a case file is about, with the words the notes use for them.
#[derive(Debug)]
struct Persona {
    female: bool,
    full_name: String,
    /// "Mme Lefèvre", as notes name the person.
    civil_name: String,
    commune: &'static str,
    town: &'static str,
    a_commune: String,
    de_commune: String,
    a_town: String,
    de_town: String,
    a_prefecture: String,
    de_prefecture: String,
    /// Who helps, as in [`OLDER_RELATIVES`].
    relative: (&'static str, &'static str),
    birth_year: Option<i64>,
    retired: bool,
    /// How likely each of [`TOPICS`] is to come up at all.
    topic_weights: Vec<u32>,
    /// Indices in [`TOPICS`] the follow-up is mostly about.
    main_topics: Vec<usize>,
    /// Index in the workers of the person's referent.
    referent: usize,
}

/// What a template's `{…}` tokens stand for in one sentence.
struct Vars<'a> {
    who: &'a Persona,
    colleague: &'a str,
    weekday: &'a str,
    place: &'a str,
}

struct PlannedVisit {
    day: i64,
    minute: u32,
    worker: usize,
}

fn build_case(
    rng: &mut ChaCha8Rng,
    today: i64,
    workers: &[&str],
    writer: Writer,
    note: &mut String,
) -> Res<CaseFile> {
    let who = draw_persona(rng, workers.len());
    let referent = workers[who.referent];
    let none = Vars {
        who: &who,
        colleague: "",
        weekday: "",
        place: "",
    };

    let mut situation = String::with_capacity(320);
    let household = pick_either(
        rng,
        HOUSEHOLDS,
        if who.retired {
            OLDER_HOUSEHOLDS
        } else {
            YOUNGER_HOUSEHOLDS
        },
    );
    render(&mut situation, household, &none);
    situation.push(' ');
    let resources = pick(
        rng,
        if who.retired {
            RETIRED_RESOURCES
        } else {
            WORKING_RESOURCES
        },
    );
    render(&mut situation, resources, &none);
    situation.push(' ');
    let concern = pick(rng, CONCERNS);
    render(&mut situation, concern, &none);
    let phone = format!(
        "06 {:02} {:02} {:02} {:02}",
        rng.random_range(0..100u32),
        rng.random_range(0..100u32),
        rng.random_range(0..100u32),
        rng.random_range(0..100u32)
    );

    let visits = plan_visits(rng, today, &who, workers.len());
    let first = visits.first().map_or(today, |v| v.day);
    let consent_day = rng.random_bool(0.9).then(|| first - rng.random_range(1..=21i64));
    let opened = match consent_day {
        Some(day) => context(referent, day, 10 * 60 + 5 * rng.random_range(0..24u32))?,
        None => context(
            referent,
            first,
            visits.first().map_or(9 * 60, |v| v.minute.saturating_sub(5)),
        )?,
    };
    let person = NewPerson {
        name: who.full_name.clone(),
        birth_year: who.birth_year,
        commune: who.commune.to_owned(),
        phone,
        situation,
    };
    let (mut case, _) = CaseFile::create(random_id::<CaseId>(rng)?, writer, person, &opened)?;
    if let Some(day) = consent_day {
        let consent = ConsentRecord {
            given: true,
            date: day_text(day)?,
            scope: pick(rng, CONSENT_SCOPES).to_string(),
        };
        case.apply_in_memory(&Edit::RecordConsent(consent), &opened)?;
    }

    // Procedures are opened during visits, most often the first ones.
    let procedure_count = weighted_index(rng, &[1, 2, 3, 4]);
    let mut procedure_visits: Vec<usize> = (0..procedure_count)
        .map(|_| {
            rng.random_range(0..visits.len())
                .min(rng.random_range(0..visits.len()))
        })
        .collect();
    procedure_visits.sort_unstable();
    let mut used_whats: Vec<(Agency, &str)> = Vec::with_capacity(procedure_count);
    let mut procedures = procedure_visits.into_iter().peekable();

    for (i, visit) in visits.iter().enumerate() {
        let worker = workers[visit.worker];
        let ctx = context(worker, visit.day, visit.minute)?;
        let new_visit = draw_visit(rng, &who, workers, visit, ctx.local_time.clone(), note)?;
        case.apply_in_memory(&Edit::AddVisit(new_visit), &ctx)?;
        while procedures.next_if_eq(&i).is_some() {
            if let Some(p) = draw_procedure(rng, &who, today, &mut used_whats)? {
                case.apply_in_memory(&Edit::AddProcedure(p), &ctx)?;
            }
        }
    }

    let last = visits.last().map_or(today, |v| v.day);
    let task_count = rng.random_range(0..=3);
    let titles = index::sample(rng, TASK_TITLES.len(), task_count);
    for t in titles {
        let due = today + rng.random_range(-14..=30i64);
        let created = (due - rng.random_range(7..=30i64)).max(last).min(today);
        let assignee = if rng.random_bool(0.7) {
            referent
        } else {
            *pick(rng, workers)
        };
        let mut title = String::with_capacity(96);
        render(&mut title, TASK_TITLES[t], &none);
        let id: TaskId = random_id(rng)?;
        let task = NewTask {
            id,
            title,
            due: Some(day_text(due)?),
            assignee: assignee.to_owned(),
        };
        let ctx = context(referent, created, 17 * 60 + 5 * rng.random_range(0..12u32))?;
        case.apply_in_memory(&Edit::AddTask(task), &ctx)?;
        let done = rng.random_bool(if due < today { 0.6 } else { 0.15 });
        if done {
            let when = due.min(today).max(created);
            let ctx = context(assignee, when, 9 * 60 + 5 * rng.random_range(0..96u32))?;
            case.apply_in_memory(&Edit::SetTaskDone { id, done: true }, &ctx)?;
        }
    }
    Ok(case)
}

fn draw_persona(rng: &mut ChaCha8Rng, workers: usize) -> Persona {
    let female = rng.random_bool(0.55);
    let first = pick(rng, if female { FEMALE_NAMES } else { MALE_NAMES });
    let last = pick(rng, LAST_NAMES);
    let &(commune, department) = pick(rng, COMMUNES);
    let department = &DEPARTMENTS[department];
    let town = *pick(rng, department.towns);
    let birth_year = rng.random_bool(0.85).then(|| rng.random_range(1935..=2005i64));
    let retired = match birth_year {
        Some(year) => year <= 1962,
        None => rng.random_bool(0.5),
    };
    // Older people's follow-ups are more about pensions, health and heating,
    // younger people's about work and family benefits.
    let topic_weights: Vec<u32> = TOPICS
        .iter()
        .map(|(topic, _)| match (*topic, retired) {
            ("retraite" | "santé" | "énergie", true) | ("emploi" | "CAF", false) => 4,
            ("emploi", true) | ("retraite", false) => 0,
            ("CAF", true) => 1,
            _ => 2,
        })
        .collect();
    let topic_count = rng.random_range(2..=4usize);
    let mut main_topics = Vec::with_capacity(topic_count);
    while main_topics.len() < topic_count {
        let topic = weighted_index(rng, &topic_weights);
        if !main_topics.contains(&topic) {
            main_topics.push(topic);
        }
    }
    Persona {
        female,
        full_name: format!("{first} {last}"),
        civil_name: format!("{} {last}", if female { "Mme" } else { "M." }),
        commune,
        town,
        a_commune: with_preposition("à", commune),
        de_commune: with_preposition("de", commune),
        a_town: with_preposition("à", town),
        de_town: with_preposition("de", town),
        a_prefecture: with_preposition("à", department.prefecture),
        de_prefecture: with_preposition("de", department.prefecture),
        relative: *pick(
            rng,
            if retired {
                OLDER_RELATIVES
            } else {
                YOUNGER_RELATIVES
            },
        ),
        birth_year,
        retired,
        topic_weights,
        main_topics,
        referent: rng.random_range(0..workers),
    }
}

/// Two to eight visits (five on average), the first up to 18 months ago, on
/// weekdays, most of them by the referent.
fn plan_visits(rng: &mut ChaCha8Rng, today: i64, who: &Persona, workers: usize) -> Vec<PlannedVisit> {
    let count = rng.random_range(1..=4usize) + rng.random_range(1..=4usize);
    let start = rng.random_range(30..=FIRST_VISIT_MAX_DAYS);
    let mut days_ago: Vec<i64> = Vec::with_capacity(count);
    days_ago.push(start);
    days_ago.extend((1..count).map(|_| rng.random_range(0..start)));
    days_ago.sort_unstable_by(|a, b| b.cmp(a));
    days_ago
        .into_iter()
        .map(|ago| {
            let mut day = today - ago;
            // Saturdays and Sundays move back to the Friday: the team works weekdays.
            day -= match weekday(day) {
                5 => 1,
                6 => 2,
                _ => 0,
            };
            // Quarter-hour slots from 9:00 to 11:45 and from 14:00 to 16:30.
            let slot = rng.random_range(0..23u32);
            let minute = if slot < 12 {
                9 * 60 + 15 * slot
            } else {
                14 * 60 + 15 * (slot - 12)
            };
            let worker = if workers > 1 && rng.random_bool(0.2) {
                rng.random_range(0..workers)
            } else {
                who.referent
            };
            PlannedVisit { day, minute, worker }
        })
        .collect()
}

fn draw_visit(
    rng: &mut ChaCha8Rng,
    who: &Persona,
    workers: &[&str],
    planned: &PlannedVisit,
    at: LocalDateTime,
    note: &mut String,
) -> Res<NewVisit> {
    let weights: Vec<u32> = VisitKind::ALL.iter().map(|k| kind_weight(*k)).collect();
    let kind = VisitKind::ALL[weighted_index(rng, &weights)];
    let place = match kind {
        VisitKind::Home => "domicile".to_owned(),
        VisitKind::Office if rng.random_bool(0.5) => format!("mairie {}", who.de_commune),
        VisitKind::Office => format!("permanence France Services {}", who.de_town),
        VisitKind::Phone => "téléphone".to_owned(),
        VisitKind::Other => format!("accompagnement {}", who.a_town),
    };
    let duration = match kind {
        VisitKind::Home => rng.random_range(9..=24i64) * 5,
        VisitKind::Office => rng.random_range(6..=18i64) * 5,
        VisitKind::Phone => rng.random_range(3..=8i64) * 5,
        VisitKind::Other => rng.random_range(12..=24i64) * 5,
    };
    let others: Vec<&str> = (0..workers.len())
        .filter(|&w| w != planned.worker)
        .map(|w| workers[w])
        .collect();
    let colleague = if others.is_empty() {
        "la coordinatrice"
    } else {
        *pick(rng, &others)
    };
    let weekday = pick(rng, WEEKDAYS);
    let vars = Vars {
        who,
        colleague,
        weekday,
        place: &place,
    };

    let mut present = vec![who.full_name.clone()];
    let with_relative = match kind {
        VisitKind::Home => 0.3,
        VisitKind::Office | VisitKind::Other => 0.15,
        VisitKind::Phone => 0.0,
    };
    if rng.random_bool(with_relative) {
        let mut relative = String::with_capacity(48);
        render(&mut relative, who.relative.1, &vars);
        present.push(relative);
    }
    if kind == VisitKind::Home && !others.is_empty() && rng.random_bool(0.12) {
        present.push(colleague.to_owned());
    }

    // Mostly the person's usual subjects, now and then something new.
    let topic_count = rng.random_range(1..=3usize);
    let mut topics: Vec<usize> = Vec::with_capacity(topic_count);
    while topics.len() < topic_count {
        let topic = if rng.random_bool(0.8) {
            *pick(rng, &who.main_topics)
        } else {
            weighted_index(rng, &who.topic_weights)
        };
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }

    note.clear();
    let (_, month, _) = civil_from_days(planned.day);
    let winter = matches!(month, 11 | 12 | 1 | 2 | 3);
    write_note(rng, note, &vars, kind, winter, &topics);
    Ok(NewVisit {
        id: random_id::<VisitId>(rng)?,
        at,
        place,
        kind,
        present,
        topics: topics.iter().map(|&t| TOPICS[t].0.to_owned()).collect(),
        duration_min: Some(duration),
        note: note.clone(),
    })
}

/// A note of about `NOTE_TARGET` bytes: an opening that fits how the visit
/// took place, a paragraph per topic, everyday observations, then next steps.
fn write_note(
    rng: &mut ChaCha8Rng,
    out: &mut String,
    vars: &Vars<'_>,
    kind: VisitKind,
    winter: bool,
    topics: &[usize],
) {
    let target = rng.random_range(NOTE_TARGET);
    let closing = pick(rng, CLOSINGS);
    let (openings, winter_openings): (&[&str], &[&str]) = match kind {
        VisitKind::Home if winter => (HOME_OPENINGS, WINTER_HOME_OPENINGS),
        VisitKind::Home => (HOME_OPENINGS, &[]),
        VisitKind::Office => (OFFICE_OPENINGS, &[]),
        VisitKind::Phone => (PHONE_OPENINGS, &[]),
        VisitKind::Other => (OTHER_OPENINGS, &[]),
    };
    let opening = pick_either(rng, openings, winter_openings);
    render(out, opening, vars);
    // Stop adding once the closing would reach the target: notes then end
    // within one sentence of it.
    let full = |out: &String| out.len() + closing.len() >= target;
    for &topic in topics {
        let pool = TOPICS[topic].1;
        let wanted = rng.random_range(1..=2);
        let sentences = index::sample(rng, pool.len(), wanted);
        let mut paragraph_open = false;
        for s in sentences {
            if full(out) {
                break;
            }
            out.push_str(if paragraph_open { " " } else { "\n\n" });
            paragraph_open = true;
            render(out, pool[s], vars);
        }
    }
    let seasonal: &[&str] = if winter { WINTER_GENERAL } else { &[] };
    let pool_len = GENERAL.len() + seasonal.len();
    let per_paragraph = rng.random_range(3..=4);
    for (n, s) in index::sample(rng, pool_len, pool_len).into_iter().enumerate() {
        if full(out) {
            break;
        }
        out.push_str(if n % per_paragraph == 0 { "\n\n" } else { " " });
        let sentence = if s < GENERAL.len() {
            GENERAL[s]
        } else {
            seasonal[s - GENERAL.len()]
        };
        render(out, sentence, vars);
    }
    out.push_str("\n\n");
    render(out, closing, vars);
}

fn draw_procedure(
    rng: &mut ChaCha8Rng,
    who: &Persona,
    today: i64,
    used: &mut Vec<(Agency, &'static str)>,
) -> Res<Option<NewProcedure>> {
    let weights: Vec<u32> = Agency::ALL
        .iter()
        .map(|a| agency_weight(*a, who.retired))
        .collect();
    let agency = Agency::ALL[weighted_index(rng, &weights)];
    let what = *pick(rng, agency_whats(agency, who.retired));
    // A second file for the same thing would not happen; drop it rather than
    // draw again, so the number of draws stays fixed.
    if used.contains(&(agency, what)) {
        return Ok(None);
    }
    used.push((agency, what));
    let weights: Vec<u32> = ProcedureStatus::ALL.iter().map(|s| status_weight(*s)).collect();
    let status = ProcedureStatus::ALL[weighted_index(rng, &weights)];
    let next_step = pick(rng, next_steps(status)).to_string();
    let dated = rng.random_bool(if status.is_open() { 0.8 } else { 0.2 });
    let due = if dated {
        Some(day_text(today + rng.random_range(-60..=60i64))?)
    } else {
        None
    };
    Ok(Some(NewProcedure {
        id: random_id::<ProcedureId>(rng)?,
        agency,
        what: what.to_owned(),
        status,
        next_step,
        due,
    }))
}

// ---------------------------------------------------------------- helpers

/// Writes `template` with its tokens replaced: `{nom}`, `{proche}`,
/// `{a_commune}`… and `{masculine|feminine}` for words that agree with the
/// person. An unknown token is kept as it is, so a typo shows in the text.
fn render(out: &mut String, template: &str, vars: &Vars<'_>) {
    let who = vars.who;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let token = &after[..close];
        if let Some((masculine, feminine)) = token.split_once('|') {
            out.push_str(if who.female { feminine } else { masculine });
        } else {
            match token {
                "nom" => out.push_str(&who.civil_name),
                "proche" => out.push_str(who.relative.0),
                "Proche" => push_capitalised(out, who.relative.0),
                "a_commune" => out.push_str(&who.a_commune),
                "de_commune" => out.push_str(&who.de_commune),
                "ville" => out.push_str(who.town),
                "a_ville" => out.push_str(&who.a_town),
                "de_ville" => out.push_str(&who.de_town),
                "a_pref" => out.push_str(&who.a_prefecture),
                "de_pref" => out.push_str(&who.de_prefecture),
                "collegue" => out.push_str(vars.colleague),
                "jour" => out.push_str(vars.weekday),
                "lieu" => out.push_str(vars.place),
                _ => out.push_str(&rest[open..open + close + 2]),
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
}

fn push_capitalised(out: &mut String, text: &str) {
    let mut chars = text.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// "à Felletin", "au Malzieu-Ville", "d'Égletons", "du Grand-Bourg".
fn with_preposition(preposition: &str, place: &str) -> String {
    if let Some(rest) = place.strip_prefix("Le ") {
        let contracted = if preposition == "à" { "au" } else { "du" };
        return format!("{contracted} {rest}");
    }
    if let Some(rest) = place.strip_prefix("Les ") {
        let contracted = if preposition == "à" { "aux" } else { "des" };
        return format!("{contracted} {rest}");
    }
    let elides = place.chars().next().is_some_and(|c| "AEÉÈÊIÎOÔUY".contains(c));
    if preposition == "de" && elides {
        format!("d'{place}")
    } else {
        format!("{preposition} {place}")
    }
}

/// An item of `a` or `b`, as if they were one list.
fn pick_either<'a>(rng: &mut ChaCha8Rng, a: &[&'a str], b: &[&'a str]) -> &'a str {
    let i = rng.random_range(0..a.len() + b.len());
    if i < a.len() { a[i] } else { b[i - a.len()] }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// An index drawn with the given weights (which must not all be zero).
fn weighted_index(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut draw = rng.random_range(0..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if draw < w {
            return i;
        }
        draw -= w;
    }
    0
}

/// A version-4 UUID made from the rng, so ids are as reproducible as the
/// rest of the content.
fn random_id<T: FromStr<Err = CoreError>>(rng: &mut ChaCha8Rng) -> Res<T> {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        // Writing to a String cannot fail.
        let _ = write!(text, "{b:02x}");
    }
    text.parse()
}

/// An edit made by `worker` on `day` at `minute` past local midnight.
fn context(worker: &str, day: i64, minute: u32) -> Res<EditContext> {
    let (y, m, d) = civil_from_days(day);
    let local_time = LocalDateTime::parse(&format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}",
        minute / 60,
        minute % 60
    ))?;
    Ok(EditContext {
        worker: worker.to_owned(),
        time_ms: (day * 24 * 60 + i64::from(minute) - LOCAL_OFFSET_MIN) * 60_000,
        local_time,
    })
}

/// Days since 1970-01-01 of a day.
fn day_number(day: &Day) -> Res<i64> {
    let text = day.as_str();
    let part = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i64>().ok());
    match (part(0..4), part(5..7), part(8..10)) {
        (Some(y), Some(m), Some(d)) => Ok(days_from_civil(y, m, d)),
        _ => Err(CoreError::InvalidValue {
            field: "today".into(),
            reason: format!("{text:?} is not a YYYY-MM-DD day"),
        }),
    }
}

fn day_text(days: i64) -> Res<Day> {
    let (y, m, d) = civil_from_days(days);
    Day::parse(&format!("{y:04}-{m:02}-{d:02}"))
}

/// 0 for Monday to 6 for Sunday (1970-01-01 was a Thursday).
fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

// Proleptic Gregorian conversions after Howard Hinnant's `days_from_civil`
// and `civil_from_days`; exact for every date a case file can hold.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};
    use std::sync::OnceLock;

    use super::*;
    use carnet_core::{CaseFileView, DeviceId};

    const SEED: u64 = 11;

    fn writer() -> Writer {
        let device: DeviceId = "6f1c1f0e-2b5e-4c44-9a53-3e0b7f1d2a10".parse().unwrap();
        Writer { device, session: 7 }
    }

    fn spec(people: usize, seed: u64) -> DemoSpec {
        DemoSpec {
            people,
            seed,
            today: Day::parse("2026-03-14").unwrap(),
            workers: vec![
                "Claire Fabre".into(),
                "Yannick Roche".into(),
                "Inès Martel".into(),
            ],
        }
    }

    #[test]
    fn a_slice_of_the_caseload_is_the_same_people_as_the_whole() {
        let spec = spec(12, SEED);
        let whole = views(&spec);
        let slice: Vec<CaseFileView> = build_people(&spec, 5..9, writer())
            .unwrap()
            .iter()
            .map(CaseFile::view)
            .collect();
        assert_eq!(slice, whole[5..9]);
    }

    fn views(spec: &DemoSpec) -> Vec<CaseFileView> {
        build(spec, writer())
            .unwrap()
            .iter()
            .map(CaseFile::view)
            .collect()
    }

    /// One caseload of 200 people shared by the tests that only read it, with
    /// the number of changes of each case file: building is the slow part.
    fn caseload() -> &'static (Vec<CaseFileView>, Vec<usize>) {
        static CASELOAD: OnceLock<(Vec<CaseFileView>, Vec<usize>)> = OnceLock::new();
        CASELOAD.get_or_init(|| {
            let mut cases = build(&spec(200, SEED), writer()).unwrap();
            let changes = cases.iter_mut().map(|c| c.change_hashes().len()).collect();
            (cases.iter().map(CaseFile::view).collect(), changes)
        })
    }

    #[test]
    fn the_same_spec_gives_the_same_case_files() {
        let spec = spec(20, SEED);
        let mut one = build(&spec, writer()).unwrap();
        let mut two = build(&spec, writer()).unwrap();
        assert_eq!(one.len(), 20);
        for (a, b) in one.iter_mut().zip(two.iter_mut()) {
            assert_eq!(a.id(), b.id());
            assert_eq!(a.view(), b.view());
            // Same changes too: same actor, times, messages and order.
            assert_eq!(a.heads(), b.heads());
        }
        // However many people are built, and on however many threads.
        let built: Vec<CaseFileView> = one.iter().map(CaseFile::view).collect();
        assert_eq!(built, caseload().0[..20]);
        let mut small = spec.clone();
        small.people = 3;
        assert_eq!(views(&small), caseload().0[..3]);
    }

    #[test]
    fn another_seed_gives_other_people() {
        let other: Vec<String> = views(&spec(20, SEED + 1))
            .into_iter()
            .map(|v| v.person.name)
            .collect();
        let ours: Vec<&String> = caseload().0[..20].iter().map(|v| &v.person.name).collect();
        let differing = ours.iter().zip(&other).filter(|(a, b)| **a != *b).count();
        assert!(differing >= 15, "{ours:?} vs {other:?}");
    }

    #[test]
    fn ids_are_distinct_version_4_uuids() {
        let mut seen = HashSet::new();
        for view in &caseload().0 {
            let ids = std::iter::once(view.id.to_string())
                .chain(view.visits.iter().map(|v| v.id.to_string()))
                .chain(view.procedures.iter().map(|p| p.id.to_string()))
                .chain(view.tasks.iter().map(|t| t.id.to_string()));
            for id in ids {
                assert_eq!(&id[14..15], "4", "{id}");
                assert!("89ab".contains(&id[19..20]), "{id}");
                assert!(seen.insert(id.clone()), "duplicate id {id}");
            }
        }
    }

    #[test]
    fn notes_are_a_few_hundred_words() {
        let notes: Vec<usize> = caseload().0[..50]
            .iter()
            .flat_map(|v| v.visits.iter().map(|visit| visit.note.len()))
            .collect();
        for &len in &notes {
            assert!((800..=2500).contains(&len), "note of {len} bytes");
        }
        let average = notes.iter().sum::<usize>() / notes.len();
        assert!(
            (1000..=2000).contains(&average),
            "average note of {average} bytes"
        );
    }

    #[test]
    fn people_have_between_two_and_eight_visits_five_on_average() {
        let counts: Vec<usize> = caseload().0.iter().map(|v| v.visits.len()).collect();
        assert!(counts.iter().all(|c| (2..=8).contains(c)), "{counts:?}");
        let average = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
        assert!((4.6..=5.4).contains(&average), "average of {average} visits");
        assert!(counts.contains(&2) && counts.contains(&8), "{counts:?}");
    }

    #[test]
    fn every_person_has_a_name_a_commune_and_a_phone() {
        let mut communes = BTreeSet::new();
        for view in &caseload().0 {
            let person = &view.person;
            assert!(person.name.trim().contains(' '), "{person:?}");
            assert!(COMMUNES.iter().any(|(c, _)| *c == person.commune), "{person:?}");
            assert!(
                person.phone.starts_with("06 ") && person.phone.len() == 14,
                "{person:?}"
            );
            assert!(!person.situation.is_empty());
            assert!(person.birth_year.is_none_or(|y| (1935..=2005).contains(&y)));
            communes.insert(person.commune.as_str());
        }
        assert!(communes.len() >= 30, "only {} communes", communes.len());
    }

    #[test]
    fn dates_fall_where_a_caseload_seen_today_would_have_them() {
        let spec = spec(0, SEED);
        let today = day_number(&spec.today).unwrap();
        let mut consented = 0;
        for view in &caseload().0 {
            let days: Vec<i64> = view
                .visits
                .iter()
                .map(|v| day_number(&v.at.as_ref().unwrap().day()).unwrap())
                .collect();
            assert!(days.iter().all(|d| (today - 548..=today).contains(d)), "{days:?}");
            assert!(days.iter().all(|d| weekday(*d) < 5), "{days:?}");
            if view.consent.given {
                consented += 1;
                let date = day_number(view.consent.date.as_ref().unwrap()).unwrap();
                assert!(date < days[0], "consent after the first visit");
                assert!(!view.consent.scope.is_empty());
            }
            for p in &view.procedures {
                if let Some(due) = &p.due {
                    assert!((today - 60..=today + 60).contains(&day_number(due).unwrap()));
                }
            }
            assert!(view.procedures.len() <= 3 && view.tasks.len() <= 3);
            for t in &view.tasks {
                let due = day_number(t.due.as_ref().unwrap()).unwrap();
                assert!((today - 14..=today + 30).contains(&due));
                assert!(spec.workers.contains(&t.assignee));
            }
            for v in &view.visits {
                assert!(spec.workers.contains(&v.worker));
                assert!((1..=3).contains(&v.topics.len()));
                assert!(v.duration_min.is_some_and(|d| (15..=120).contains(&d)));
            }
        }
        assert!(
            (165..=195).contains(&consented),
            "{consented} consents out of 200"
        );
    }

    #[test]
    fn case_files_are_built_in_several_changes() {
        let counts = &caseload().1;
        assert!(counts.iter().all(|&c| c >= 3), "{counts:?}");
        let average = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
        assert!((8.0..=12.0).contains(&average), "average of {average} changes");
    }

    #[test]
    fn procedures_and_tasks_vary_and_some_tasks_are_done() {
        let views = &caseload().0;
        let procedures = views.iter().map(|v| v.procedures.len()).sum::<usize>() as f64 / 200.0;
        assert!(
            (1.6..=2.2).contains(&procedures),
            "{procedures} procedures per person"
        );
        let agencies: BTreeSet<_> = views
            .iter()
            .flat_map(|v| v.procedures.iter().map(|p| p.agency))
            .collect();
        assert!(agencies.len() >= 8, "{agencies:?}");
        let tasks: Vec<_> = views.iter().flat_map(|v| v.tasks.iter()).collect();
        let done = tasks.iter().filter(|t| t.done).count();
        assert!(
            done > 0 && done < tasks.len(),
            "{done} of {} tasks done",
            tasks.len()
        );
    }

    #[test]
    fn summer_notes_do_not_talk_about_snow_and_retirees_do_not_look_for_work() {
        let markers = [
            "neige",
            "glissante",
            "grand froid",
            "bûches",
            "pour l'hiver",
            "maison était froide",
        ];
        let winter = WINTER_GENERAL.iter().chain(WINTER_HOME_OPENINGS);
        assert!(winter.clone().all(|t| markers.iter().any(|m| t.contains(m))));
        let (mut summer_visits, mut winter_mentions, mut retirees) = (0, 0, 0);
        for view in &caseload().0 {
            for visit in &view.visits {
                let month = &visit.at.as_ref().unwrap().as_str()[5..7];
                let mentions = markers.iter().any(|m| visit.note.contains(m));
                if ["06", "07", "08", "09"].contains(&month) {
                    summer_visits += 1;
                    assert!(!mentions, "winter in a note of month {month}: {}", visit.note);
                } else if mentions {
                    winter_mentions += 1;
                }
            }
            if view.person.birth_year.is_some_and(|y| y <= 1962) {
                retirees += 1;
                assert!(
                    view.visits
                        .iter()
                        .all(|v| !v.topics.iter().any(|t| t == "emploi"))
                );
                assert!(view.procedures.iter().all(|p| p.agency != Agency::FranceTravail));
                assert!(view.procedures.iter().all(|p| p.what != "RSA"));
            }
        }
        assert!(
            summer_visits > 100 && retirees > 50,
            "{summer_visits} summer visits, {retirees} retirees"
        );
        assert!(
            winter_mentions > 20,
            "{winter_mentions} winter notes mention the cold"
        );
    }

    #[test]
    fn no_workers_means_the_demo_worker() {
        let mut spec = spec(3, SEED);
        spec.workers = vec!["  ".into()];
        for view in views(&spec) {
            assert!(view.visits.iter().all(|v| v.worker == DEFAULT_WORKER));
            assert!(view.tasks.iter().all(|t| t.assignee == DEFAULT_WORKER));
        }
    }

    #[test]
    fn every_template_renders_without_leftover_tokens() {
        let who = draw_persona(&mut ChaCha8Rng::seed_from_u64(1), 1);
        let vars = Vars {
            who: &who,
            colleague: "Claire Fabre",
            weekday: "jeudi",
            place: "mairie de Crocq",
        };
        let pools = [
            HOUSEHOLDS,
            OLDER_HOUSEHOLDS,
            YOUNGER_HOUSEHOLDS,
            WINTER_HOME_OPENINGS,
            WINTER_GENERAL,
            RETIRED_RESOURCES,
            WORKING_RESOURCES,
            CONCERNS,
            HOME_OPENINGS,
            OFFICE_OPENINGS,
            PHONE_OPENINGS,
            OTHER_OPENINGS,
            GENERAL,
            CLOSINGS,
            TASK_TITLES,
        ];
        let topics = TOPICS.iter().map(|(_, pool)| *pool);
        let relatives: Vec<&str> = OLDER_RELATIVES
            .iter()
            .chain(YOUNGER_RELATIVES)
            .map(|r| r.1)
            .collect();
        let mut count = 0;
        for template in pools.into_iter().chain(topics).chain([&relatives[..]]).flatten() {
            let mut out = String::new();
            render(&mut out, template, &vars);
            assert!(!out.contains(['{', '}', '|']), "{out}");
            assert!(out.len() <= 260, "sentence too long for the note budget: {out}");
            count += 1;
        }
        assert!(count >= 120, "{count} templates");
    }

    #[test]
    fn prepositions_contract_and_elide() {
        assert_eq!(with_preposition("à", "Le Malzieu-Ville"), "au Malzieu-Ville");
        assert_eq!(with_preposition("de", "Le Grand-Bourg"), "du Grand-Bourg");
        assert_eq!(with_preposition("de", "Égletons"), "d'Égletons");
        assert_eq!(with_preposition("à", "Égletons"), "à Égletons");
        assert_eq!(with_preposition("de", "La Courtine"), "de La Courtine");
    }

    #[test]
    fn day_arithmetic_matches_the_calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(days_from_civil(2000, 3, 1) - 1), (2000, 2, 29));
        assert_eq!(
            weekday(days_from_civil(2026, 3, 14)),
            5,
            "2026-03-14 is a Saturday"
        );
        for days in (-30_000..60_000).step_by(97) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
