/**
 * The dashboard's language: French by default, English on request, remembered in localStorage
 * and mirrored on <html lang>, in the API's Accept-Language and in zod's error messages.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import { setApiLanguage } from '../api';
import { en } from './en';
import { fr, type MessageKey } from './fr';

export type { MessageKey };
export type Language = 'fr' | 'en';

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'eduzen.language';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

type I18nValue = { language: Language; setLanguage: (language: Language) => void; t: Translate };

const I18nContext = createContext<I18nValue | null>(null);

function storedLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fr';
  } catch {
    return 'fr';
  }
}

function applyLanguage(language: Language): void {
  document.documentElement.lang = language;
  setApiLanguage(language);
  z.config(language === 'fr' ? z.locales.fr() : z.locales.en());
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => {
    const initial = storedLanguage();
    applyLanguage(initial);
    return initial;
  });
  useEffect(() => applyLanguage(language), [language]);
  const setLanguage = useCallback((next: Language) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private browsing: the choice lasts for this page only.
    }
    applyLanguage(next);
    setLanguageState(next);
  }, []);
  const t = useCallback<Translate>((key, params) => {
    const template = DICTIONARIES[language][key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  }, [language]);
  const value = useMemo(() => ({ language, setLanguage, t }), [language, setLanguage, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
