import { type Language, useI18n } from '../lib/i18n';

/** FR / EN toggle, a labelled group of two pressed-state buttons. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  const options: Array<{ value: Language; short: string; label: string }> = [
    { value: 'fr', short: 'FR', label: t('language.fr') },
    { value: 'en', short: 'EN', label: t('language.en') },
  ];
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          lang={option.value}
          aria-label={option.label}
          aria-pressed={language === option.value}
          onClick={() => setLanguage(option.value)}
        >
          {option.short}
        </button>
      ))}
    </div>
  );
}
