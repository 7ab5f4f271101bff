/** The demo training centre's catalogue and people: plain data, French throughout. */

export const DEMO_ORGANIZATION = {
  code: 'DEMO',
  name: 'Centre de Formation Lumière',
  country: 'FR',
  currency: 'EUR',
  language: 'fr' as const,
  timezone: 'Europe/Paris',
};

export const DEMO_ADMIN_EMAIL = 'admin@lumiere-formation.fr';

export const DEMO_STAFF = [
  { email: 'secretariat@lumiere-formation.fr', fullName: 'Sophie Lambert', role: 'secretary' as const },
  { email: 'j.moreau@lumiere-formation.fr', fullName: 'Julien Moreau', role: 'teacher' as const },
  { email: 'a.girard@lumiere-formation.fr', fullName: 'Amélie Girard', role: 'teacher' as const },
  { email: 'k.diallo@lumiere-formation.fr', fullName: 'Karim Diallo', role: 'teacher' as const },
];

export const DEMO_PROGRAMS = [
  { code: 'PFC', name: 'Programme de formation continue', category: 'Formation continue',
    description: 'Formations courtes pour les salariés et demandeurs d’emploi.' },
  { code: 'PBN', name: 'Programme bureautique et numérique', category: 'Numérique',
    description: 'Outils bureautiques, données et culture numérique.' },
  { code: 'PLM', name: 'Programme langues et management', category: 'Langues',
    description: 'Langues étrangères et compétences managériales.' },
];

export const DEMO_FORMATIONS = [
  { program: 'PBN', code: 'EXCEL-AV', name: 'Formation Excel avancé', category: 'Bureautique', duration_hours: '21', price: '890.00', eligible_cpf: true, cpf_code: 'RS5252', subtitle: 'Tableaux croisés, fonctions avancées, macros' },
  { program: 'PBN', code: 'WORD-PERF', name: 'Word : documents professionnels', category: 'Bureautique', duration_hours: '14', price: '590.00', eligible_cpf: true, cpf_code: 'RS5253', subtitle: 'Mise en page, styles et publipostage' },
  { program: 'PBN', code: 'DATA-INIT', name: 'Initiation à l’analyse de données', category: 'Données', duration_hours: '28', price: '1290.00', eligible_cpf: false, cpf_code: null, subtitle: 'De la feuille de calcul au tableau de bord' },
  { program: 'PFC', code: 'SST', name: 'Sauveteur secouriste du travail', category: 'Sécurité', duration_hours: '14', price: '320.00', eligible_cpf: true, cpf_code: 'RS5580', subtitle: 'Certification SST initiale' },
  { program: 'PFC', code: 'COMPTA-B', name: 'Comptabilité : les bases', category: 'Gestion', duration_hours: '35', price: '1150.00', eligible_cpf: true, cpf_code: 'RS5371', subtitle: 'Journal, grand livre et bilan' },
  { program: 'PLM', code: 'ANG-B1', name: 'Anglais professionnel B1', category: 'Langues', duration_hours: '30', price: '1400.00', eligible_cpf: true, cpf_code: 'RS5412', subtitle: 'Préparation au TOEIC' },
  { program: 'PLM', code: 'MANAG-1', name: 'Manager une équipe', category: 'Management', duration_hours: '21', price: '1350.00', eligible_cpf: false, cpf_code: null, subtitle: 'Les fondamentaux du management de proximité' },
  { program: 'PLM', code: 'PRISE-PAR', name: 'Prise de parole en public', category: 'Communication', duration_hours: '14', price: '750.00', eligible_cpf: false, cpf_code: null, subtitle: 'Convaincre à l’oral' },
];

export const DEMO_LOCATIONS = ['Lyon — salle Bellecour', 'Lyon — salle Confluence', 'Villeurbanne — salle 2', 'À distance (classe virtuelle)'];

export const FIRST_NAMES = [
  'Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Emma', 'Sarah', 'Jade', 'Louise', 'Clara',
  'Lucas', 'Hugo', 'Thomas', 'Nathan', 'Théo', 'Louis', 'Maxime', 'Antoine', 'Paul', 'Arthur',
  'Fatou', 'Aïcha', 'Mamadou', 'Yasmine', 'Mehdi', 'Nadia', 'Olivier', 'Isabelle', 'Nicolas', 'Valérie',
];

export const LAST_NAMES = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau',
  'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier',
  'Morel', 'Girard', 'André', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Diop',
];

export const EMPLOYERS = ['Boulangerie Dupain', 'Mairie de Lyon', 'Transports Rhône Express', 'Clinique du Parc', null, null, 'Indépendant', 'Soieries Lyonnaises'];
