// The search page's stemmer and splitter for the book's search language (BookEnglish in
// book_extensions/search_ranking.py, which puts this after Sphinx's Porter stemmer in
// language_data.js, preceded by `var BOOK_SEARCH_RULES = {...}`: the spellings made one,
// the abbreviations' long forms and the mark every stem starts with).
// The stemmer: Sphinx's Porter stemmer, with BookEnglish's rules.
var BookPorterStemmer = Stemmer;
Stemmer = function () {
  const porter = new BookPorterStemmer();
  const rules = BOOK_SEARCH_RULES;
  this.plain = (word) => {
    const stem = porter.stemWord(word.toLowerCase());
    return rules.spellings[stem] || stem;
  };
  this.stemWord = (word) => {
    let stem = this.plain(word);
    if (stopwords.includes(stem) && !stopwords.includes(word.toLowerCase())) stem = word.toLowerCase();
    return rules.mark + stem;
  };
};

// The splitter: Sphinx's, then a long form becomes its abbreviation.
var splitQuery = (query) => {
  const words = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((w) => w);
  const stemmer = new Stemmer();
  const out = [];
  for (let i = 0; i < words.length; i++) {
    const phrase = BOOK_SEARCH_RULES.phrases.find(([stems]) => stems.every(
      (stem, k) => i + k < words.length && stemmer.plain(words[i + k]) === stem));
    if (phrase) { out.push(phrase[1]); i += phrase[0].length - 1; } else out.push(words[i]);
  }
  return out;
};
