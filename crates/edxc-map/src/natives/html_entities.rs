//! The named character references of HTML5 (the WHATWG list that html5lib 1.0.1 uses, `constants.entities`):
//! one `name value` pair per line. Names without a trailing `;` are the legacy ones, recognised without it.

pub const ENTITIES: &str = "\
    AElig \u{c6}\nAElig; \u{c6}\nAMP &\nAMP; &\nAacute \u{c1}\nAacute; \u{c1}\nAbreve; \u{102}\nAcirc \u{c2}\n\
    Acirc; \u{c2}\nAcy; \u{410}\nAfr; \u{1d504}\nAgrave \u{c0}\nAgrave; \u{c0}\nAlpha; \u{391}\nAmacr; \u{100}\n\
    And; \u{2a53}\nAogon; \u{104}\nAopf; \u{1d538}\nApplyFunction; \u{2061}\nAring \u{c5}\nAring; \u{c5}\n\
    Ascr; \u{1d49c}\nAssign; \u{2254}\nAtilde \u{c3}\nAtilde; \u{c3}\nAuml \u{c4}\nAuml; \u{c4}\n\
    Backslash; \u{2216}\nBarv; \u{2ae7}\nBarwed; \u{2306}\nBcy; \u{411}\nBecause; \u{2235}\nBernoullis; \u{212c}\n\
    Beta; \u{392}\nBfr; \u{1d505}\nBopf; \u{1d539}\nBreve; \u{2d8}\nBscr; \u{212c}\nBumpeq; \u{224e}\n\
    CHcy; \u{427}\nCOPY \u{a9}\nCOPY; \u{a9}\nCacute; \u{106}\nCap; \u{22d2}\nCapitalDifferentialD; \u{2145}\n\
    Cayleys; \u{212d}\nCcaron; \u{10c}\nCcedil \u{c7}\nCcedil; \u{c7}\nCcirc; \u{108}\nCconint; \u{2230}\n\
    Cdot; \u{10a}\nCedilla; \u{b8}\nCenterDot; \u{b7}\nCfr; \u{212d}\nChi; \u{3a7}\nCircleDot; \u{2299}\n\
    CircleMinus; \u{2296}\nCirclePlus; \u{2295}\nCircleTimes; \u{2297}\nClockwiseContourIntegral; \u{2232}\n\
    CloseCurlyDoubleQuote; \u{201d}\nCloseCurlyQuote; \u{2019}\nColon; \u{2237}\nColone; \u{2a74}\n\
    Congruent; \u{2261}\nConint; \u{222f}\nContourIntegral; \u{222e}\nCopf; \u{2102}\nCoproduct; \u{2210}\n\
    CounterClockwiseContourIntegral; \u{2233}\nCross; \u{2a2f}\nCscr; \u{1d49e}\nCup; \u{22d3}\nCupCap; \u{224d}\n\
    DD; \u{2145}\nDDotrahd; \u{2911}\nDJcy; \u{402}\nDScy; \u{405}\nDZcy; \u{40f}\nDagger; \u{2021}\n\
    Darr; \u{21a1}\nDashv; \u{2ae4}\nDcaron; \u{10e}\nDcy; \u{414}\nDel; \u{2207}\nDelta; \u{394}\n\
    Dfr; \u{1d507}\nDiacriticalAcute; \u{b4}\nDiacriticalDot; \u{2d9}\nDiacriticalDoubleAcute; \u{2dd}\n\
    DiacriticalGrave; `\nDiacriticalTilde; \u{2dc}\nDiamond; \u{22c4}\nDifferentialD; \u{2146}\nDopf; \u{1d53b}\n\
    Dot; \u{a8}\nDotDot; \u{20dc}\nDotEqual; \u{2250}\nDoubleContourIntegral; \u{222f}\nDoubleDot; \u{a8}\n\
    DoubleDownArrow; \u{21d3}\nDoubleLeftArrow; \u{21d0}\nDoubleLeftRightArrow; \u{21d4}\n\
    DoubleLeftTee; \u{2ae4}\nDoubleLongLeftArrow; \u{27f8}\nDoubleLongLeftRightArrow; \u{27fa}\n\
    DoubleLongRightArrow; \u{27f9}\nDoubleRightArrow; \u{21d2}\nDoubleRightTee; \u{22a8}\n\
    DoubleUpArrow; \u{21d1}\nDoubleUpDownArrow; \u{21d5}\nDoubleVerticalBar; \u{2225}\nDownArrow; \u{2193}\n\
    DownArrowBar; \u{2913}\nDownArrowUpArrow; \u{21f5}\nDownBreve; \u{311}\nDownLeftRightVector; \u{2950}\n\
    DownLeftTeeVector; \u{295e}\nDownLeftVector; \u{21bd}\nDownLeftVectorBar; \u{2956}\n\
    DownRightTeeVector; \u{295f}\nDownRightVector; \u{21c1}\nDownRightVectorBar; \u{2957}\nDownTee; \u{22a4}\n\
    DownTeeArrow; \u{21a7}\nDownarrow; \u{21d3}\nDscr; \u{1d49f}\nDstrok; \u{110}\nENG; \u{14a}\nETH \u{d0}\n\
    ETH; \u{d0}\nEacute \u{c9}\nEacute; \u{c9}\nEcaron; \u{11a}\nEcirc \u{ca}\nEcirc; \u{ca}\nEcy; \u{42d}\n\
    Edot; \u{116}\nEfr; \u{1d508}\nEgrave \u{c8}\nEgrave; \u{c8}\nElement; \u{2208}\nEmacr; \u{112}\n\
    EmptySmallSquare; \u{25fb}\nEmptyVerySmallSquare; \u{25ab}\nEogon; \u{118}\nEopf; \u{1d53c}\n\
    Epsilon; \u{395}\nEqual; \u{2a75}\nEqualTilde; \u{2242}\nEquilibrium; \u{21cc}\nEscr; \u{2130}\n\
    Esim; \u{2a73}\nEta; \u{397}\nEuml \u{cb}\nEuml; \u{cb}\nExists; \u{2203}\nExponentialE; \u{2147}\n\
    Fcy; \u{424}\nFfr; \u{1d509}\nFilledSmallSquare; \u{25fc}\nFilledVerySmallSquare; \u{25aa}\nFopf; \u{1d53d}\n\
    ForAll; \u{2200}\nFouriertrf; \u{2131}\nFscr; \u{2131}\nGJcy; \u{403}\nGT >\nGT; >\nGamma; \u{393}\n\
    Gammad; \u{3dc}\nGbreve; \u{11e}\nGcedil; \u{122}\nGcirc; \u{11c}\nGcy; \u{413}\nGdot; \u{120}\n\
    Gfr; \u{1d50a}\nGg; \u{22d9}\nGopf; \u{1d53e}\nGreaterEqual; \u{2265}\nGreaterEqualLess; \u{22db}\n\
    GreaterFullEqual; \u{2267}\nGreaterGreater; \u{2aa2}\nGreaterLess; \u{2277}\nGreaterSlantEqual; \u{2a7e}\n\
    GreaterTilde; \u{2273}\nGscr; \u{1d4a2}\nGt; \u{226b}\nHARDcy; \u{42a}\nHacek; \u{2c7}\nHat; ^\n\
    Hcirc; \u{124}\nHfr; \u{210c}\nHilbertSpace; \u{210b}\nHopf; \u{210d}\nHorizontalLine; \u{2500}\n\
    Hscr; \u{210b}\nHstrok; \u{126}\nHumpDownHump; \u{224e}\nHumpEqual; \u{224f}\nIEcy; \u{415}\nIJlig; \u{132}\n\
    IOcy; \u{401}\nIacute \u{cd}\nIacute; \u{cd}\nIcirc \u{ce}\nIcirc; \u{ce}\nIcy; \u{418}\nIdot; \u{130}\n\
    Ifr; \u{2111}\nIgrave \u{cc}\nIgrave; \u{cc}\nIm; \u{2111}\nImacr; \u{12a}\nImaginaryI; \u{2148}\n\
    Implies; \u{21d2}\nInt; \u{222c}\nIntegral; \u{222b}\nIntersection; \u{22c2}\nInvisibleComma; \u{2063}\n\
    InvisibleTimes; \u{2062}\nIogon; \u{12e}\nIopf; \u{1d540}\nIota; \u{399}\nIscr; \u{2110}\nItilde; \u{128}\n\
    Iukcy; \u{406}\nIuml \u{cf}\nIuml; \u{cf}\nJcirc; \u{134}\nJcy; \u{419}\nJfr; \u{1d50d}\nJopf; \u{1d541}\n\
    Jscr; \u{1d4a5}\nJsercy; \u{408}\nJukcy; \u{404}\nKHcy; \u{425}\nKJcy; \u{40c}\nKappa; \u{39a}\n\
    Kcedil; \u{136}\nKcy; \u{41a}\nKfr; \u{1d50e}\nKopf; \u{1d542}\nKscr; \u{1d4a6}\nLJcy; \u{409}\nLT <\nLT; <\n\
    Lacute; \u{139}\nLambda; \u{39b}\nLang; \u{27ea}\nLaplacetrf; \u{2112}\nLarr; \u{219e}\nLcaron; \u{13d}\n\
    Lcedil; \u{13b}\nLcy; \u{41b}\nLeftAngleBracket; \u{27e8}\nLeftArrow; \u{2190}\nLeftArrowBar; \u{21e4}\n\
    LeftArrowRightArrow; \u{21c6}\nLeftCeiling; \u{2308}\nLeftDoubleBracket; \u{27e6}\n\
    LeftDownTeeVector; \u{2961}\nLeftDownVector; \u{21c3}\nLeftDownVectorBar; \u{2959}\nLeftFloor; \u{230a}\n\
    LeftRightArrow; \u{2194}\nLeftRightVector; \u{294e}\nLeftTee; \u{22a3}\nLeftTeeArrow; \u{21a4}\n\
    LeftTeeVector; \u{295a}\nLeftTriangle; \u{22b2}\nLeftTriangleBar; \u{29cf}\nLeftTriangleEqual; \u{22b4}\n\
    LeftUpDownVector; \u{2951}\nLeftUpTeeVector; \u{2960}\nLeftUpVector; \u{21bf}\nLeftUpVectorBar; \u{2958}\n\
    LeftVector; \u{21bc}\nLeftVectorBar; \u{2952}\nLeftarrow; \u{21d0}\nLeftrightarrow; \u{21d4}\n\
    LessEqualGreater; \u{22da}\nLessFullEqual; \u{2266}\nLessGreater; \u{2276}\nLessLess; \u{2aa1}\n\
    LessSlantEqual; \u{2a7d}\nLessTilde; \u{2272}\nLfr; \u{1d50f}\nLl; \u{22d8}\nLleftarrow; \u{21da}\n\
    Lmidot; \u{13f}\nLongLeftArrow; \u{27f5}\nLongLeftRightArrow; \u{27f7}\nLongRightArrow; \u{27f6}\n\
    Longleftarrow; \u{27f8}\nLongleftrightarrow; \u{27fa}\nLongrightarrow; \u{27f9}\nLopf; \u{1d543}\n\
    LowerLeftArrow; \u{2199}\nLowerRightArrow; \u{2198}\nLscr; \u{2112}\nLsh; \u{21b0}\nLstrok; \u{141}\n\
    Lt; \u{226a}\nMap; \u{2905}\nMcy; \u{41c}\nMediumSpace; \u{205f}\nMellintrf; \u{2133}\nMfr; \u{1d510}\n\
    MinusPlus; \u{2213}\nMopf; \u{1d544}\nMscr; \u{2133}\nMu; \u{39c}\nNJcy; \u{40a}\nNacute; \u{143}\n\
    Ncaron; \u{147}\nNcedil; \u{145}\nNcy; \u{41d}\nNegativeMediumSpace; \u{200b}\nNegativeThickSpace; \u{200b}\n\
    NegativeThinSpace; \u{200b}\nNegativeVeryThinSpace; \u{200b}\nNestedGreaterGreater; \u{226b}\n\
    NestedLessLess; \u{226a}\nNewLine; \u{a}\nNfr; \u{1d511}\nNoBreak; \u{2060}\nNonBreakingSpace; \u{a0}\n\
    Nopf; \u{2115}\nNot; \u{2aec}\nNotCongruent; \u{2262}\nNotCupCap; \u{226d}\nNotDoubleVerticalBar; \u{2226}\n\
    NotElement; \u{2209}\nNotEqual; \u{2260}\nNotEqualTilde; \u{2242}\u{338}\nNotExists; \u{2204}\n\
    NotGreater; \u{226f}\nNotGreaterEqual; \u{2271}\nNotGreaterFullEqual; \u{2267}\u{338}\n\
    NotGreaterGreater; \u{226b}\u{338}\nNotGreaterLess; \u{2279}\nNotGreaterSlantEqual; \u{2a7e}\u{338}\n\
    NotGreaterTilde; \u{2275}\nNotHumpDownHump; \u{224e}\u{338}\nNotHumpEqual; \u{224f}\u{338}\n\
    NotLeftTriangle; \u{22ea}\nNotLeftTriangleBar; \u{29cf}\u{338}\nNotLeftTriangleEqual; \u{22ec}\n\
    NotLess; \u{226e}\nNotLessEqual; \u{2270}\nNotLessGreater; \u{2278}\nNotLessLess; \u{226a}\u{338}\n\
    NotLessSlantEqual; \u{2a7d}\u{338}\nNotLessTilde; \u{2274}\nNotNestedGreaterGreater; \u{2aa2}\u{338}\n\
    NotNestedLessLess; \u{2aa1}\u{338}\nNotPrecedes; \u{2280}\nNotPrecedesEqual; \u{2aaf}\u{338}\n\
    NotPrecedesSlantEqual; \u{22e0}\nNotReverseElement; \u{220c}\nNotRightTriangle; \u{22eb}\n\
    NotRightTriangleBar; \u{29d0}\u{338}\nNotRightTriangleEqual; \u{22ed}\nNotSquareSubset; \u{228f}\u{338}\n\
    NotSquareSubsetEqual; \u{22e2}\nNotSquareSuperset; \u{2290}\u{338}\nNotSquareSupersetEqual; \u{22e3}\n\
    NotSubset; \u{2282}\u{20d2}\nNotSubsetEqual; \u{2288}\nNotSucceeds; \u{2281}\n\
    NotSucceedsEqual; \u{2ab0}\u{338}\nNotSucceedsSlantEqual; \u{22e1}\nNotSucceedsTilde; \u{227f}\u{338}\n\
    NotSuperset; \u{2283}\u{20d2}\nNotSupersetEqual; \u{2289}\nNotTilde; \u{2241}\nNotTildeEqual; \u{2244}\n\
    NotTildeFullEqual; \u{2247}\nNotTildeTilde; \u{2249}\nNotVerticalBar; \u{2224}\nNscr; \u{1d4a9}\n\
    Ntilde \u{d1}\nNtilde; \u{d1}\nNu; \u{39d}\nOElig; \u{152}\nOacute \u{d3}\nOacute; \u{d3}\nOcirc \u{d4}\n\
    Ocirc; \u{d4}\nOcy; \u{41e}\nOdblac; \u{150}\nOfr; \u{1d512}\nOgrave \u{d2}\nOgrave; \u{d2}\nOmacr; \u{14c}\n\
    Omega; \u{3a9}\nOmicron; \u{39f}\nOopf; \u{1d546}\nOpenCurlyDoubleQuote; \u{201c}\nOpenCurlyQuote; \u{2018}\n\
    Or; \u{2a54}\nOscr; \u{1d4aa}\nOslash \u{d8}\nOslash; \u{d8}\nOtilde \u{d5}\nOtilde; \u{d5}\n\
    Otimes; \u{2a37}\nOuml \u{d6}\nOuml; \u{d6}\nOverBar; \u{203e}\nOverBrace; \u{23de}\nOverBracket; \u{23b4}\n\
    OverParenthesis; \u{23dc}\nPartialD; \u{2202}\nPcy; \u{41f}\nPfr; \u{1d513}\nPhi; \u{3a6}\nPi; \u{3a0}\n\
    PlusMinus; \u{b1}\nPoincareplane; \u{210c}\nPopf; \u{2119}\nPr; \u{2abb}\nPrecedes; \u{227a}\n\
    PrecedesEqual; \u{2aaf}\nPrecedesSlantEqual; \u{227c}\nPrecedesTilde; \u{227e}\nPrime; \u{2033}\n\
    Product; \u{220f}\nProportion; \u{2237}\nProportional; \u{221d}\nPscr; \u{1d4ab}\nPsi; \u{3a8}\nQUOT \u{22}\n\
    QUOT; \u{22}\nQfr; \u{1d514}\nQopf; \u{211a}\nQscr; \u{1d4ac}\nRBarr; \u{2910}\nREG \u{ae}\nREG; \u{ae}\n\
    Racute; \u{154}\nRang; \u{27eb}\nRarr; \u{21a0}\nRarrtl; \u{2916}\nRcaron; \u{158}\nRcedil; \u{156}\n\
    Rcy; \u{420}\nRe; \u{211c}\nReverseElement; \u{220b}\nReverseEquilibrium; \u{21cb}\n\
    ReverseUpEquilibrium; \u{296f}\nRfr; \u{211c}\nRho; \u{3a1}\nRightAngleBracket; \u{27e9}\n\
    RightArrow; \u{2192}\nRightArrowBar; \u{21e5}\nRightArrowLeftArrow; \u{21c4}\nRightCeiling; \u{2309}\n\
    RightDoubleBracket; \u{27e7}\nRightDownTeeVector; \u{295d}\nRightDownVector; \u{21c2}\n\
    RightDownVectorBar; \u{2955}\nRightFloor; \u{230b}\nRightTee; \u{22a2}\nRightTeeArrow; \u{21a6}\n\
    RightTeeVector; \u{295b}\nRightTriangle; \u{22b3}\nRightTriangleBar; \u{29d0}\nRightTriangleEqual; \u{22b5}\n\
    RightUpDownVector; \u{294f}\nRightUpTeeVector; \u{295c}\nRightUpVector; \u{21be}\nRightUpVectorBar; \u{2954}\n\
    RightVector; \u{21c0}\nRightVectorBar; \u{2953}\nRightarrow; \u{21d2}\nRopf; \u{211d}\n\
    RoundImplies; \u{2970}\nRrightarrow; \u{21db}\nRscr; \u{211b}\nRsh; \u{21b1}\nRuleDelayed; \u{29f4}\n\
    SHCHcy; \u{429}\nSHcy; \u{428}\nSOFTcy; \u{42c}\nSacute; \u{15a}\nSc; \u{2abc}\nScaron; \u{160}\n\
    Scedil; \u{15e}\nScirc; \u{15c}\nScy; \u{421}\nSfr; \u{1d516}\nShortDownArrow; \u{2193}\n\
    ShortLeftArrow; \u{2190}\nShortRightArrow; \u{2192}\nShortUpArrow; \u{2191}\nSigma; \u{3a3}\n\
    SmallCircle; \u{2218}\nSopf; \u{1d54a}\nSqrt; \u{221a}\nSquare; \u{25a1}\nSquareIntersection; \u{2293}\n\
    SquareSubset; \u{228f}\nSquareSubsetEqual; \u{2291}\nSquareSuperset; \u{2290}\nSquareSupersetEqual; \u{2292}\n\
    SquareUnion; \u{2294}\nSscr; \u{1d4ae}\nStar; \u{22c6}\nSub; \u{22d0}\nSubset; \u{22d0}\n\
    SubsetEqual; \u{2286}\nSucceeds; \u{227b}\nSucceedsEqual; \u{2ab0}\nSucceedsSlantEqual; \u{227d}\n\
    SucceedsTilde; \u{227f}\nSuchThat; \u{220b}\nSum; \u{2211}\nSup; \u{22d1}\nSuperset; \u{2283}\n\
    SupersetEqual; \u{2287}\nSupset; \u{22d1}\nTHORN \u{de}\nTHORN; \u{de}\nTRADE; \u{2122}\nTSHcy; \u{40b}\n\
    TScy; \u{426}\nTab; \u{9}\nTau; \u{3a4}\nTcaron; \u{164}\nTcedil; \u{162}\nTcy; \u{422}\nTfr; \u{1d517}\n\
    Therefore; \u{2234}\nTheta; \u{398}\nThickSpace; \u{205f}\u{200a}\nThinSpace; \u{2009}\nTilde; \u{223c}\n\
    TildeEqual; \u{2243}\nTildeFullEqual; \u{2245}\nTildeTilde; \u{2248}\nTopf; \u{1d54b}\nTripleDot; \u{20db}\n\
    Tscr; \u{1d4af}\nTstrok; \u{166}\nUacute \u{da}\nUacute; \u{da}\nUarr; \u{219f}\nUarrocir; \u{2949}\n\
    Ubrcy; \u{40e}\nUbreve; \u{16c}\nUcirc \u{db}\nUcirc; \u{db}\nUcy; \u{423}\nUdblac; \u{170}\nUfr; \u{1d518}\n\
    Ugrave \u{d9}\nUgrave; \u{d9}\nUmacr; \u{16a}\nUnderBar; _\nUnderBrace; \u{23df}\nUnderBracket; \u{23b5}\n\
    UnderParenthesis; \u{23dd}\nUnion; \u{22c3}\nUnionPlus; \u{228e}\nUogon; \u{172}\nUopf; \u{1d54c}\n\
    UpArrow; \u{2191}\nUpArrowBar; \u{2912}\nUpArrowDownArrow; \u{21c5}\nUpDownArrow; \u{2195}\n\
    UpEquilibrium; \u{296e}\nUpTee; \u{22a5}\nUpTeeArrow; \u{21a5}\nUparrow; \u{21d1}\nUpdownarrow; \u{21d5}\n\
    UpperLeftArrow; \u{2196}\nUpperRightArrow; \u{2197}\nUpsi; \u{3d2}\nUpsilon; \u{3a5}\nUring; \u{16e}\n\
    Uscr; \u{1d4b0}\nUtilde; \u{168}\nUuml \u{dc}\nUuml; \u{dc}\nVDash; \u{22ab}\nVbar; \u{2aeb}\nVcy; \u{412}\n\
    Vdash; \u{22a9}\nVdashl; \u{2ae6}\nVee; \u{22c1}\nVerbar; \u{2016}\nVert; \u{2016}\nVerticalBar; \u{2223}\n\
    VerticalLine; |\nVerticalSeparator; \u{2758}\nVerticalTilde; \u{2240}\nVeryThinSpace; \u{200a}\n\
    Vfr; \u{1d519}\nVopf; \u{1d54d}\nVscr; \u{1d4b1}\nVvdash; \u{22aa}\nWcirc; \u{174}\nWedge; \u{22c0}\n\
    Wfr; \u{1d51a}\nWopf; \u{1d54e}\nWscr; \u{1d4b2}\nXfr; \u{1d51b}\nXi; \u{39e}\nXopf; \u{1d54f}\n\
    Xscr; \u{1d4b3}\nYAcy; \u{42f}\nYIcy; \u{407}\nYUcy; \u{42e}\nYacute \u{dd}\nYacute; \u{dd}\nYcirc; \u{176}\n\
    Ycy; \u{42b}\nYfr; \u{1d51c}\nYopf; \u{1d550}\nYscr; \u{1d4b4}\nYuml; \u{178}\nZHcy; \u{416}\n\
    Zacute; \u{179}\nZcaron; \u{17d}\nZcy; \u{417}\nZdot; \u{17b}\nZeroWidthSpace; \u{200b}\nZeta; \u{396}\n\
    Zfr; \u{2128}\nZopf; \u{2124}\nZscr; \u{1d4b5}\naacute \u{e1}\naacute; \u{e1}\nabreve; \u{103}\nac; \u{223e}\n\
    acE; \u{223e}\u{333}\nacd; \u{223f}\nacirc \u{e2}\nacirc; \u{e2}\nacute \u{b4}\nacute; \u{b4}\nacy; \u{430}\n\
    aelig \u{e6}\naelig; \u{e6}\naf; \u{2061}\nafr; \u{1d51e}\nagrave \u{e0}\nagrave; \u{e0}\nalefsym; \u{2135}\n\
    aleph; \u{2135}\nalpha; \u{3b1}\namacr; \u{101}\namalg; \u{2a3f}\namp &\namp; &\nand; \u{2227}\n\
    andand; \u{2a55}\nandd; \u{2a5c}\nandslope; \u{2a58}\nandv; \u{2a5a}\nang; \u{2220}\nange; \u{29a4}\n\
    angle; \u{2220}\nangmsd; \u{2221}\nangmsdaa; \u{29a8}\nangmsdab; \u{29a9}\nangmsdac; \u{29aa}\n\
    angmsdad; \u{29ab}\nangmsdae; \u{29ac}\nangmsdaf; \u{29ad}\nangmsdag; \u{29ae}\nangmsdah; \u{29af}\n\
    angrt; \u{221f}\nangrtvb; \u{22be}\nangrtvbd; \u{299d}\nangsph; \u{2222}\nangst; \u{c5}\nangzarr; \u{237c}\n\
    aogon; \u{105}\naopf; \u{1d552}\nap; \u{2248}\napE; \u{2a70}\napacir; \u{2a6f}\nape; \u{224a}\n\
    apid; \u{224b}\napos; '\napprox; \u{2248}\napproxeq; \u{224a}\naring \u{e5}\naring; \u{e5}\nascr; \u{1d4b6}\n\
    ast; *\nasymp; \u{2248}\nasympeq; \u{224d}\natilde \u{e3}\natilde; \u{e3}\nauml \u{e4}\nauml; \u{e4}\n\
    awconint; \u{2233}\nawint; \u{2a11}\nbNot; \u{2aed}\nbackcong; \u{224c}\nbackepsilon; \u{3f6}\n\
    backprime; \u{2035}\nbacksim; \u{223d}\nbacksimeq; \u{22cd}\nbarvee; \u{22bd}\nbarwed; \u{2305}\n\
    barwedge; \u{2305}\nbbrk; \u{23b5}\nbbrktbrk; \u{23b6}\nbcong; \u{224c}\nbcy; \u{431}\nbdquo; \u{201e}\n\
    becaus; \u{2235}\nbecause; \u{2235}\nbemptyv; \u{29b0}\nbepsi; \u{3f6}\nbernou; \u{212c}\nbeta; \u{3b2}\n\
    beth; \u{2136}\nbetween; \u{226c}\nbfr; \u{1d51f}\nbigcap; \u{22c2}\nbigcirc; \u{25ef}\nbigcup; \u{22c3}\n\
    bigodot; \u{2a00}\nbigoplus; \u{2a01}\nbigotimes; \u{2a02}\nbigsqcup; \u{2a06}\nbigstar; \u{2605}\n\
    bigtriangledown; \u{25bd}\nbigtriangleup; \u{25b3}\nbiguplus; \u{2a04}\nbigvee; \u{22c1}\nbigwedge; \u{22c0}\n\
    bkarow; \u{290d}\nblacklozenge; \u{29eb}\nblacksquare; \u{25aa}\nblacktriangle; \u{25b4}\n\
    blacktriangledown; \u{25be}\nblacktriangleleft; \u{25c2}\nblacktriangleright; \u{25b8}\nblank; \u{2423}\n\
    blk12; \u{2592}\nblk14; \u{2591}\nblk34; \u{2593}\nblock; \u{2588}\nbne; =\u{20e5}\n\
    bnequiv; \u{2261}\u{20e5}\nbnot; \u{2310}\nbopf; \u{1d553}\nbot; \u{22a5}\nbottom; \u{22a5}\n\
    bowtie; \u{22c8}\nboxDL; \u{2557}\nboxDR; \u{2554}\nboxDl; \u{2556}\nboxDr; \u{2553}\nboxH; \u{2550}\n\
    boxHD; \u{2566}\nboxHU; \u{2569}\nboxHd; \u{2564}\nboxHu; \u{2567}\nboxUL; \u{255d}\nboxUR; \u{255a}\n\
    boxUl; \u{255c}\nboxUr; \u{2559}\nboxV; \u{2551}\nboxVH; \u{256c}\nboxVL; \u{2563}\nboxVR; \u{2560}\n\
    boxVh; \u{256b}\nboxVl; \u{2562}\nboxVr; \u{255f}\nboxbox; \u{29c9}\nboxdL; \u{2555}\nboxdR; \u{2552}\n\
    boxdl; \u{2510}\nboxdr; \u{250c}\nboxh; \u{2500}\nboxhD; \u{2565}\nboxhU; \u{2568}\nboxhd; \u{252c}\n\
    boxhu; \u{2534}\nboxminus; \u{229f}\nboxplus; \u{229e}\nboxtimes; \u{22a0}\nboxuL; \u{255b}\nboxuR; \u{2558}\n\
    boxul; \u{2518}\nboxur; \u{2514}\nboxv; \u{2502}\nboxvH; \u{256a}\nboxvL; \u{2561}\nboxvR; \u{255e}\n\
    boxvh; \u{253c}\nboxvl; \u{2524}\nboxvr; \u{251c}\nbprime; \u{2035}\nbreve; \u{2d8}\nbrvbar \u{a6}\n\
    brvbar; \u{a6}\nbscr; \u{1d4b7}\nbsemi; \u{204f}\nbsim; \u{223d}\nbsime; \u{22cd}\nbsol; \u{5c}\n\
    bsolb; \u{29c5}\nbsolhsub; \u{27c8}\nbull; \u{2022}\nbullet; \u{2022}\nbump; \u{224e}\nbumpE; \u{2aae}\n\
    bumpe; \u{224f}\nbumpeq; \u{224f}\ncacute; \u{107}\ncap; \u{2229}\ncapand; \u{2a44}\ncapbrcup; \u{2a49}\n\
    capcap; \u{2a4b}\ncapcup; \u{2a47}\ncapdot; \u{2a40}\ncaps; \u{2229}\u{fe00}\ncaret; \u{2041}\n\
    caron; \u{2c7}\nccaps; \u{2a4d}\nccaron; \u{10d}\nccedil \u{e7}\nccedil; \u{e7}\nccirc; \u{109}\n\
    ccups; \u{2a4c}\nccupssm; \u{2a50}\ncdot; \u{10b}\ncedil \u{b8}\ncedil; \u{b8}\ncemptyv; \u{29b2}\n\
    cent \u{a2}\ncent; \u{a2}\ncenterdot; \u{b7}\ncfr; \u{1d520}\nchcy; \u{447}\ncheck; \u{2713}\n\
    checkmark; \u{2713}\nchi; \u{3c7}\ncir; \u{25cb}\ncirE; \u{29c3}\ncirc; \u{2c6}\ncirceq; \u{2257}\n\
    circlearrowleft; \u{21ba}\ncirclearrowright; \u{21bb}\ncircledR; \u{ae}\ncircledS; \u{24c8}\n\
    circledast; \u{229b}\ncircledcirc; \u{229a}\ncircleddash; \u{229d}\ncire; \u{2257}\ncirfnint; \u{2a10}\n\
    cirmid; \u{2aef}\ncirscir; \u{29c2}\nclubs; \u{2663}\nclubsuit; \u{2663}\ncolon; :\ncolone; \u{2254}\n\
    coloneq; \u{2254}\ncomma; ,\ncommat; @\ncomp; \u{2201}\ncompfn; \u{2218}\ncomplement; \u{2201}\n\
    complexes; \u{2102}\ncong; \u{2245}\ncongdot; \u{2a6d}\nconint; \u{222e}\ncopf; \u{1d554}\ncoprod; \u{2210}\n\
    copy \u{a9}\ncopy; \u{a9}\ncopysr; \u{2117}\ncrarr; \u{21b5}\ncross; \u{2717}\ncscr; \u{1d4b8}\n\
    csub; \u{2acf}\ncsube; \u{2ad1}\ncsup; \u{2ad0}\ncsupe; \u{2ad2}\nctdot; \u{22ef}\ncudarrl; \u{2938}\n\
    cudarrr; \u{2935}\ncuepr; \u{22de}\ncuesc; \u{22df}\ncularr; \u{21b6}\ncularrp; \u{293d}\ncup; \u{222a}\n\
    cupbrcap; \u{2a48}\ncupcap; \u{2a46}\ncupcup; \u{2a4a}\ncupdot; \u{228d}\ncupor; \u{2a45}\n\
    cups; \u{222a}\u{fe00}\ncurarr; \u{21b7}\ncurarrm; \u{293c}\ncurlyeqprec; \u{22de}\ncurlyeqsucc; \u{22df}\n\
    curlyvee; \u{22ce}\ncurlywedge; \u{22cf}\ncurren \u{a4}\ncurren; \u{a4}\ncurvearrowleft; \u{21b6}\n\
    curvearrowright; \u{21b7}\ncuvee; \u{22ce}\ncuwed; \u{22cf}\ncwconint; \u{2232}\ncwint; \u{2231}\n\
    cylcty; \u{232d}\ndArr; \u{21d3}\ndHar; \u{2965}\ndagger; \u{2020}\ndaleth; \u{2138}\ndarr; \u{2193}\n\
    dash; \u{2010}\ndashv; \u{22a3}\ndbkarow; \u{290f}\ndblac; \u{2dd}\ndcaron; \u{10f}\ndcy; \u{434}\n\
    dd; \u{2146}\nddagger; \u{2021}\nddarr; \u{21ca}\nddotseq; \u{2a77}\ndeg \u{b0}\ndeg; \u{b0}\ndelta; \u{3b4}\n\
    demptyv; \u{29b1}\ndfisht; \u{297f}\ndfr; \u{1d521}\ndharl; \u{21c3}\ndharr; \u{21c2}\ndiam; \u{22c4}\n\
    diamond; \u{22c4}\ndiamondsuit; \u{2666}\ndiams; \u{2666}\ndie; \u{a8}\ndigamma; \u{3dd}\ndisin; \u{22f2}\n\
    div; \u{f7}\ndivide \u{f7}\ndivide; \u{f7}\ndivideontimes; \u{22c7}\ndivonx; \u{22c7}\ndjcy; \u{452}\n\
    dlcorn; \u{231e}\ndlcrop; \u{230d}\ndollar; $\ndopf; \u{1d555}\ndot; \u{2d9}\ndoteq; \u{2250}\n\
    doteqdot; \u{2251}\ndotminus; \u{2238}\ndotplus; \u{2214}\ndotsquare; \u{22a1}\ndoublebarwedge; \u{2306}\n\
    downarrow; \u{2193}\ndowndownarrows; \u{21ca}\ndownharpoonleft; \u{21c3}\ndownharpoonright; \u{21c2}\n\
    drbkarow; \u{2910}\ndrcorn; \u{231f}\ndrcrop; \u{230c}\ndscr; \u{1d4b9}\ndscy; \u{455}\ndsol; \u{29f6}\n\
    dstrok; \u{111}\ndtdot; \u{22f1}\ndtri; \u{25bf}\ndtrif; \u{25be}\nduarr; \u{21f5}\nduhar; \u{296f}\n\
    dwangle; \u{29a6}\ndzcy; \u{45f}\ndzigrarr; \u{27ff}\neDDot; \u{2a77}\neDot; \u{2251}\neacute \u{e9}\n\
    eacute; \u{e9}\neaster; \u{2a6e}\necaron; \u{11b}\necir; \u{2256}\necirc \u{ea}\necirc; \u{ea}\n\
    ecolon; \u{2255}\necy; \u{44d}\nedot; \u{117}\nee; \u{2147}\nefDot; \u{2252}\nefr; \u{1d522}\neg; \u{2a9a}\n\
    egrave \u{e8}\negrave; \u{e8}\negs; \u{2a96}\negsdot; \u{2a98}\nel; \u{2a99}\nelinters; \u{23e7}\n\
    ell; \u{2113}\nels; \u{2a95}\nelsdot; \u{2a97}\nemacr; \u{113}\nempty; \u{2205}\nemptyset; \u{2205}\n\
    emptyv; \u{2205}\nemsp13; \u{2004}\nemsp14; \u{2005}\nemsp; \u{2003}\neng; \u{14b}\nensp; \u{2002}\n\
    eogon; \u{119}\neopf; \u{1d556}\nepar; \u{22d5}\neparsl; \u{29e3}\neplus; \u{2a71}\nepsi; \u{3b5}\n\
    epsilon; \u{3b5}\nepsiv; \u{3f5}\neqcirc; \u{2256}\neqcolon; \u{2255}\neqsim; \u{2242}\neqslantgtr; \u{2a96}\n\
    eqslantless; \u{2a95}\nequals; =\nequest; \u{225f}\nequiv; \u{2261}\nequivDD; \u{2a78}\neqvparsl; \u{29e5}\n\
    erDot; \u{2253}\nerarr; \u{2971}\nescr; \u{212f}\nesdot; \u{2250}\nesim; \u{2242}\neta; \u{3b7}\neth \u{f0}\n\
    eth; \u{f0}\neuml \u{eb}\neuml; \u{eb}\neuro; \u{20ac}\nexcl; !\nexist; \u{2203}\nexpectation; \u{2130}\n\
    exponentiale; \u{2147}\nfallingdotseq; \u{2252}\nfcy; \u{444}\nfemale; \u{2640}\nffilig; \u{fb03}\n\
    fflig; \u{fb00}\nffllig; \u{fb04}\nffr; \u{1d523}\nfilig; \u{fb01}\nfjlig; fj\nflat; \u{266d}\n\
    fllig; \u{fb02}\nfltns; \u{25b1}\nfnof; \u{192}\nfopf; \u{1d557}\nforall; \u{2200}\nfork; \u{22d4}\n\
    forkv; \u{2ad9}\nfpartint; \u{2a0d}\nfrac12 \u{bd}\nfrac12; \u{bd}\nfrac13; \u{2153}\nfrac14 \u{bc}\n\
    frac14; \u{bc}\nfrac15; \u{2155}\nfrac16; \u{2159}\nfrac18; \u{215b}\nfrac23; \u{2154}\nfrac25; \u{2156}\n\
    frac34 \u{be}\nfrac34; \u{be}\nfrac35; \u{2157}\nfrac38; \u{215c}\nfrac45; \u{2158}\nfrac56; \u{215a}\n\
    frac58; \u{215d}\nfrac78; \u{215e}\nfrasl; \u{2044}\nfrown; \u{2322}\nfscr; \u{1d4bb}\ngE; \u{2267}\n\
    gEl; \u{2a8c}\ngacute; \u{1f5}\ngamma; \u{3b3}\ngammad; \u{3dd}\ngap; \u{2a86}\ngbreve; \u{11f}\n\
    gcirc; \u{11d}\ngcy; \u{433}\ngdot; \u{121}\nge; \u{2265}\ngel; \u{22db}\ngeq; \u{2265}\ngeqq; \u{2267}\n\
    geqslant; \u{2a7e}\nges; \u{2a7e}\ngescc; \u{2aa9}\ngesdot; \u{2a80}\ngesdoto; \u{2a82}\ngesdotol; \u{2a84}\n\
    gesl; \u{22db}\u{fe00}\ngesles; \u{2a94}\ngfr; \u{1d524}\ngg; \u{226b}\nggg; \u{22d9}\ngimel; \u{2137}\n\
    gjcy; \u{453}\ngl; \u{2277}\nglE; \u{2a92}\ngla; \u{2aa5}\nglj; \u{2aa4}\ngnE; \u{2269}\ngnap; \u{2a8a}\n\
    gnapprox; \u{2a8a}\ngne; \u{2a88}\ngneq; \u{2a88}\ngneqq; \u{2269}\ngnsim; \u{22e7}\ngopf; \u{1d558}\n\
    grave; `\ngscr; \u{210a}\ngsim; \u{2273}\ngsime; \u{2a8e}\ngsiml; \u{2a90}\ngt >\ngt; >\ngtcc; \u{2aa7}\n\
    gtcir; \u{2a7a}\ngtdot; \u{22d7}\ngtlPar; \u{2995}\ngtquest; \u{2a7c}\ngtrapprox; \u{2a86}\ngtrarr; \u{2978}\n\
    gtrdot; \u{22d7}\ngtreqless; \u{22db}\ngtreqqless; \u{2a8c}\ngtrless; \u{2277}\ngtrsim; \u{2273}\n\
    gvertneqq; \u{2269}\u{fe00}\ngvnE; \u{2269}\u{fe00}\nhArr; \u{21d4}\nhairsp; \u{200a}\nhalf; \u{bd}\n\
    hamilt; \u{210b}\nhardcy; \u{44a}\nharr; \u{2194}\nharrcir; \u{2948}\nharrw; \u{21ad}\nhbar; \u{210f}\n\
    hcirc; \u{125}\nhearts; \u{2665}\nheartsuit; \u{2665}\nhellip; \u{2026}\nhercon; \u{22b9}\nhfr; \u{1d525}\n\
    hksearow; \u{2925}\nhkswarow; \u{2926}\nhoarr; \u{21ff}\nhomtht; \u{223b}\nhookleftarrow; \u{21a9}\n\
    hookrightarrow; \u{21aa}\nhopf; \u{1d559}\nhorbar; \u{2015}\nhscr; \u{1d4bd}\nhslash; \u{210f}\n\
    hstrok; \u{127}\nhybull; \u{2043}\nhyphen; \u{2010}\niacute \u{ed}\niacute; \u{ed}\nic; \u{2063}\n\
    icirc \u{ee}\nicirc; \u{ee}\nicy; \u{438}\niecy; \u{435}\niexcl \u{a1}\niexcl; \u{a1}\niff; \u{21d4}\n\
    ifr; \u{1d526}\nigrave \u{ec}\nigrave; \u{ec}\nii; \u{2148}\niiiint; \u{2a0c}\niiint; \u{222d}\n\
    iinfin; \u{29dc}\niiota; \u{2129}\nijlig; \u{133}\nimacr; \u{12b}\nimage; \u{2111}\nimagline; \u{2110}\n\
    imagpart; \u{2111}\nimath; \u{131}\nimof; \u{22b7}\nimped; \u{1b5}\nin; \u{2208}\nincare; \u{2105}\n\
    infin; \u{221e}\ninfintie; \u{29dd}\ninodot; \u{131}\nint; \u{222b}\nintcal; \u{22ba}\nintegers; \u{2124}\n\
    intercal; \u{22ba}\nintlarhk; \u{2a17}\nintprod; \u{2a3c}\niocy; \u{451}\niogon; \u{12f}\niopf; \u{1d55a}\n\
    iota; \u{3b9}\niprod; \u{2a3c}\niquest \u{bf}\niquest; \u{bf}\niscr; \u{1d4be}\nisin; \u{2208}\n\
    isinE; \u{22f9}\nisindot; \u{22f5}\nisins; \u{22f4}\nisinsv; \u{22f3}\nisinv; \u{2208}\nit; \u{2062}\n\
    itilde; \u{129}\niukcy; \u{456}\niuml \u{ef}\niuml; \u{ef}\njcirc; \u{135}\njcy; \u{439}\njfr; \u{1d527}\n\
    jmath; \u{237}\njopf; \u{1d55b}\njscr; \u{1d4bf}\njsercy; \u{458}\njukcy; \u{454}\nkappa; \u{3ba}\n\
    kappav; \u{3f0}\nkcedil; \u{137}\nkcy; \u{43a}\nkfr; \u{1d528}\nkgreen; \u{138}\nkhcy; \u{445}\n\
    kjcy; \u{45c}\nkopf; \u{1d55c}\nkscr; \u{1d4c0}\nlAarr; \u{21da}\nlArr; \u{21d0}\nlAtail; \u{291b}\n\
    lBarr; \u{290e}\nlE; \u{2266}\nlEg; \u{2a8b}\nlHar; \u{2962}\nlacute; \u{13a}\nlaemptyv; \u{29b4}\n\
    lagran; \u{2112}\nlambda; \u{3bb}\nlang; \u{27e8}\nlangd; \u{2991}\nlangle; \u{27e8}\nlap; \u{2a85}\n\
    laquo \u{ab}\nlaquo; \u{ab}\nlarr; \u{2190}\nlarrb; \u{21e4}\nlarrbfs; \u{291f}\nlarrfs; \u{291d}\n\
    larrhk; \u{21a9}\nlarrlp; \u{21ab}\nlarrpl; \u{2939}\nlarrsim; \u{2973}\nlarrtl; \u{21a2}\nlat; \u{2aab}\n\
    latail; \u{2919}\nlate; \u{2aad}\nlates; \u{2aad}\u{fe00}\nlbarr; \u{290c}\nlbbrk; \u{2772}\nlbrace; {\n\
    lbrack; [\nlbrke; \u{298b}\nlbrksld; \u{298f}\nlbrkslu; \u{298d}\nlcaron; \u{13e}\nlcedil; \u{13c}\n\
    lceil; \u{2308}\nlcub; {\nlcy; \u{43b}\nldca; \u{2936}\nldquo; \u{201c}\nldquor; \u{201e}\nldrdhar; \u{2967}\n\
    ldrushar; \u{294b}\nldsh; \u{21b2}\nle; \u{2264}\nleftarrow; \u{2190}\nleftarrowtail; \u{21a2}\n\
    leftharpoondown; \u{21bd}\nleftharpoonup; \u{21bc}\nleftleftarrows; \u{21c7}\nleftrightarrow; \u{2194}\n\
    leftrightarrows; \u{21c6}\nleftrightharpoons; \u{21cb}\nleftrightsquigarrow; \u{21ad}\n\
    leftthreetimes; \u{22cb}\nleg; \u{22da}\nleq; \u{2264}\nleqq; \u{2266}\nleqslant; \u{2a7d}\nles; \u{2a7d}\n\
    lescc; \u{2aa8}\nlesdot; \u{2a7f}\nlesdoto; \u{2a81}\nlesdotor; \u{2a83}\nlesg; \u{22da}\u{fe00}\n\
    lesges; \u{2a93}\nlessapprox; \u{2a85}\nlessdot; \u{22d6}\nlesseqgtr; \u{22da}\nlesseqqgtr; \u{2a8b}\n\
    lessgtr; \u{2276}\nlesssim; \u{2272}\nlfisht; \u{297c}\nlfloor; \u{230a}\nlfr; \u{1d529}\nlg; \u{2276}\n\
    lgE; \u{2a91}\nlhard; \u{21bd}\nlharu; \u{21bc}\nlharul; \u{296a}\nlhblk; \u{2584}\nljcy; \u{459}\n\
    ll; \u{226a}\nllarr; \u{21c7}\nllcorner; \u{231e}\nllhard; \u{296b}\nlltri; \u{25fa}\nlmidot; \u{140}\n\
    lmoust; \u{23b0}\nlmoustache; \u{23b0}\nlnE; \u{2268}\nlnap; \u{2a89}\nlnapprox; \u{2a89}\nlne; \u{2a87}\n\
    lneq; \u{2a87}\nlneqq; \u{2268}\nlnsim; \u{22e6}\nloang; \u{27ec}\nloarr; \u{21fd}\nlobrk; \u{27e6}\n\
    longleftarrow; \u{27f5}\nlongleftrightarrow; \u{27f7}\nlongmapsto; \u{27fc}\nlongrightarrow; \u{27f6}\n\
    looparrowleft; \u{21ab}\nlooparrowright; \u{21ac}\nlopar; \u{2985}\nlopf; \u{1d55d}\nloplus; \u{2a2d}\n\
    lotimes; \u{2a34}\nlowast; \u{2217}\nlowbar; _\nloz; \u{25ca}\nlozenge; \u{25ca}\nlozf; \u{29eb}\nlpar; (\n\
    lparlt; \u{2993}\nlrarr; \u{21c6}\nlrcorner; \u{231f}\nlrhar; \u{21cb}\nlrhard; \u{296d}\nlrm; \u{200e}\n\
    lrtri; \u{22bf}\nlsaquo; \u{2039}\nlscr; \u{1d4c1}\nlsh; \u{21b0}\nlsim; \u{2272}\nlsime; \u{2a8d}\n\
    lsimg; \u{2a8f}\nlsqb; [\nlsquo; \u{2018}\nlsquor; \u{201a}\nlstrok; \u{142}\nlt <\nlt; <\nltcc; \u{2aa6}\n\
    ltcir; \u{2a79}\nltdot; \u{22d6}\nlthree; \u{22cb}\nltimes; \u{22c9}\nltlarr; \u{2976}\nltquest; \u{2a7b}\n\
    ltrPar; \u{2996}\nltri; \u{25c3}\nltrie; \u{22b4}\nltrif; \u{25c2}\nlurdshar; \u{294a}\nluruhar; \u{2966}\n\
    lvertneqq; \u{2268}\u{fe00}\nlvnE; \u{2268}\u{fe00}\nmDDot; \u{223a}\nmacr \u{af}\nmacr; \u{af}\n\
    male; \u{2642}\nmalt; \u{2720}\nmaltese; \u{2720}\nmap; \u{21a6}\nmapsto; \u{21a6}\nmapstodown; \u{21a7}\n\
    mapstoleft; \u{21a4}\nmapstoup; \u{21a5}\nmarker; \u{25ae}\nmcomma; \u{2a29}\nmcy; \u{43c}\nmdash; \u{2014}\n\
    measuredangle; \u{2221}\nmfr; \u{1d52a}\nmho; \u{2127}\nmicro \u{b5}\nmicro; \u{b5}\nmid; \u{2223}\n\
    midast; *\nmidcir; \u{2af0}\nmiddot \u{b7}\nmiddot; \u{b7}\nminus; \u{2212}\nminusb; \u{229f}\n\
    minusd; \u{2238}\nminusdu; \u{2a2a}\nmlcp; \u{2adb}\nmldr; \u{2026}\nmnplus; \u{2213}\nmodels; \u{22a7}\n\
    mopf; \u{1d55e}\nmp; \u{2213}\nmscr; \u{1d4c2}\nmstpos; \u{223e}\nmu; \u{3bc}\nmultimap; \u{22b8}\n\
    mumap; \u{22b8}\nnGg; \u{22d9}\u{338}\nnGt; \u{226b}\u{20d2}\nnGtv; \u{226b}\u{338}\nnLeftarrow; \u{21cd}\n\
    nLeftrightarrow; \u{21ce}\nnLl; \u{22d8}\u{338}\nnLt; \u{226a}\u{20d2}\nnLtv; \u{226a}\u{338}\n\
    nRightarrow; \u{21cf}\nnVDash; \u{22af}\nnVdash; \u{22ae}\nnabla; \u{2207}\nnacute; \u{144}\n\
    nang; \u{2220}\u{20d2}\nnap; \u{2249}\nnapE; \u{2a70}\u{338}\nnapid; \u{224b}\u{338}\nnapos; \u{149}\n\
    napprox; \u{2249}\nnatur; \u{266e}\nnatural; \u{266e}\nnaturals; \u{2115}\nnbsp \u{a0}\nnbsp; \u{a0}\n\
    nbump; \u{224e}\u{338}\nnbumpe; \u{224f}\u{338}\nncap; \u{2a43}\nncaron; \u{148}\nncedil; \u{146}\n\
    ncong; \u{2247}\nncongdot; \u{2a6d}\u{338}\nncup; \u{2a42}\nncy; \u{43d}\nndash; \u{2013}\nne; \u{2260}\n\
    neArr; \u{21d7}\nnearhk; \u{2924}\nnearr; \u{2197}\nnearrow; \u{2197}\nnedot; \u{2250}\u{338}\n\
    nequiv; \u{2262}\nnesear; \u{2928}\nnesim; \u{2242}\u{338}\nnexist; \u{2204}\nnexists; \u{2204}\n\
    nfr; \u{1d52b}\nngE; \u{2267}\u{338}\nnge; \u{2271}\nngeq; \u{2271}\nngeqq; \u{2267}\u{338}\n\
    ngeqslant; \u{2a7e}\u{338}\nnges; \u{2a7e}\u{338}\nngsim; \u{2275}\nngt; \u{226f}\nngtr; \u{226f}\n\
    nhArr; \u{21ce}\nnharr; \u{21ae}\nnhpar; \u{2af2}\nni; \u{220b}\nnis; \u{22fc}\nnisd; \u{22fa}\n\
    niv; \u{220b}\nnjcy; \u{45a}\nnlArr; \u{21cd}\nnlE; \u{2266}\u{338}\nnlarr; \u{219a}\nnldr; \u{2025}\n\
    nle; \u{2270}\nnleftarrow; \u{219a}\nnleftrightarrow; \u{21ae}\nnleq; \u{2270}\nnleqq; \u{2266}\u{338}\n\
    nleqslant; \u{2a7d}\u{338}\nnles; \u{2a7d}\u{338}\nnless; \u{226e}\nnlsim; \u{2274}\nnlt; \u{226e}\n\
    nltri; \u{22ea}\nnltrie; \u{22ec}\nnmid; \u{2224}\nnopf; \u{1d55f}\nnot \u{ac}\nnot; \u{ac}\nnotin; \u{2209}\n\
    notinE; \u{22f9}\u{338}\nnotindot; \u{22f5}\u{338}\nnotinva; \u{2209}\nnotinvb; \u{22f7}\nnotinvc; \u{22f6}\n\
    notni; \u{220c}\nnotniva; \u{220c}\nnotnivb; \u{22fe}\nnotnivc; \u{22fd}\nnpar; \u{2226}\n\
    nparallel; \u{2226}\nnparsl; \u{2afd}\u{20e5}\nnpart; \u{2202}\u{338}\nnpolint; \u{2a14}\nnpr; \u{2280}\n\
    nprcue; \u{22e0}\nnpre; \u{2aaf}\u{338}\nnprec; \u{2280}\nnpreceq; \u{2aaf}\u{338}\nnrArr; \u{21cf}\n\
    nrarr; \u{219b}\nnrarrc; \u{2933}\u{338}\nnrarrw; \u{219d}\u{338}\nnrightarrow; \u{219b}\nnrtri; \u{22eb}\n\
    nrtrie; \u{22ed}\nnsc; \u{2281}\nnsccue; \u{22e1}\nnsce; \u{2ab0}\u{338}\nnscr; \u{1d4c3}\n\
    nshortmid; \u{2224}\nnshortparallel; \u{2226}\nnsim; \u{2241}\nnsime; \u{2244}\nnsimeq; \u{2244}\n\
    nsmid; \u{2224}\nnspar; \u{2226}\nnsqsube; \u{22e2}\nnsqsupe; \u{22e3}\nnsub; \u{2284}\n\
    nsubE; \u{2ac5}\u{338}\nnsube; \u{2288}\nnsubset; \u{2282}\u{20d2}\nnsubseteq; \u{2288}\n\
    nsubseteqq; \u{2ac5}\u{338}\nnsucc; \u{2281}\nnsucceq; \u{2ab0}\u{338}\nnsup; \u{2285}\n\
    nsupE; \u{2ac6}\u{338}\nnsupe; \u{2289}\nnsupset; \u{2283}\u{20d2}\nnsupseteq; \u{2289}\n\
    nsupseteqq; \u{2ac6}\u{338}\nntgl; \u{2279}\nntilde \u{f1}\nntilde; \u{f1}\nntlg; \u{2278}\n\
    ntriangleleft; \u{22ea}\nntrianglelefteq; \u{22ec}\nntriangleright; \u{22eb}\nntrianglerighteq; \u{22ed}\n\
    nu; \u{3bd}\nnum; #\nnumero; \u{2116}\nnumsp; \u{2007}\nnvDash; \u{22ad}\nnvHarr; \u{2904}\n\
    nvap; \u{224d}\u{20d2}\nnvdash; \u{22ac}\nnvge; \u{2265}\u{20d2}\nnvgt; >\u{20d2}\nnvinfin; \u{29de}\n\
    nvlArr; \u{2902}\nnvle; \u{2264}\u{20d2}\nnvlt; <\u{20d2}\nnvltrie; \u{22b4}\u{20d2}\nnvrArr; \u{2903}\n\
    nvrtrie; \u{22b5}\u{20d2}\nnvsim; \u{223c}\u{20d2}\nnwArr; \u{21d6}\nnwarhk; \u{2923}\nnwarr; \u{2196}\n\
    nwarrow; \u{2196}\nnwnear; \u{2927}\noS; \u{24c8}\noacute \u{f3}\noacute; \u{f3}\noast; \u{229b}\n\
    ocir; \u{229a}\nocirc \u{f4}\nocirc; \u{f4}\nocy; \u{43e}\nodash; \u{229d}\nodblac; \u{151}\nodiv; \u{2a38}\n\
    odot; \u{2299}\nodsold; \u{29bc}\noelig; \u{153}\nofcir; \u{29bf}\nofr; \u{1d52c}\nogon; \u{2db}\n\
    ograve \u{f2}\nograve; \u{f2}\nogt; \u{29c1}\nohbar; \u{29b5}\nohm; \u{3a9}\noint; \u{222e}\nolarr; \u{21ba}\n\
    olcir; \u{29be}\nolcross; \u{29bb}\noline; \u{203e}\nolt; \u{29c0}\nomacr; \u{14d}\nomega; \u{3c9}\n\
    omicron; \u{3bf}\nomid; \u{29b6}\nominus; \u{2296}\noopf; \u{1d560}\nopar; \u{29b7}\noperp; \u{29b9}\n\
    oplus; \u{2295}\nor; \u{2228}\norarr; \u{21bb}\nord; \u{2a5d}\norder; \u{2134}\norderof; \u{2134}\n\
    ordf \u{aa}\nordf; \u{aa}\nordm \u{ba}\nordm; \u{ba}\norigof; \u{22b6}\noror; \u{2a56}\norslope; \u{2a57}\n\
    orv; \u{2a5b}\noscr; \u{2134}\noslash \u{f8}\noslash; \u{f8}\nosol; \u{2298}\notilde \u{f5}\notilde; \u{f5}\n\
    otimes; \u{2297}\notimesas; \u{2a36}\nouml \u{f6}\nouml; \u{f6}\novbar; \u{233d}\npar; \u{2225}\npara \u{b6}\n\
    para; \u{b6}\nparallel; \u{2225}\nparsim; \u{2af3}\nparsl; \u{2afd}\npart; \u{2202}\npcy; \u{43f}\npercnt; %\n\
    period; .\npermil; \u{2030}\nperp; \u{22a5}\npertenk; \u{2031}\npfr; \u{1d52d}\nphi; \u{3c6}\nphiv; \u{3d5}\n\
    phmmat; \u{2133}\nphone; \u{260e}\npi; \u{3c0}\npitchfork; \u{22d4}\npiv; \u{3d6}\nplanck; \u{210f}\n\
    planckh; \u{210e}\nplankv; \u{210f}\nplus; +\nplusacir; \u{2a23}\nplusb; \u{229e}\npluscir; \u{2a22}\n\
    plusdo; \u{2214}\nplusdu; \u{2a25}\npluse; \u{2a72}\nplusmn \u{b1}\nplusmn; \u{b1}\nplussim; \u{2a26}\n\
    plustwo; \u{2a27}\npm; \u{b1}\npointint; \u{2a15}\npopf; \u{1d561}\npound \u{a3}\npound; \u{a3}\n\
    pr; \u{227a}\nprE; \u{2ab3}\nprap; \u{2ab7}\nprcue; \u{227c}\npre; \u{2aaf}\nprec; \u{227a}\n\
    precapprox; \u{2ab7}\npreccurlyeq; \u{227c}\npreceq; \u{2aaf}\nprecnapprox; \u{2ab9}\nprecneqq; \u{2ab5}\n\
    precnsim; \u{22e8}\nprecsim; \u{227e}\nprime; \u{2032}\nprimes; \u{2119}\nprnE; \u{2ab5}\nprnap; \u{2ab9}\n\
    prnsim; \u{22e8}\nprod; \u{220f}\nprofalar; \u{232e}\nprofline; \u{2312}\nprofsurf; \u{2313}\nprop; \u{221d}\n\
    propto; \u{221d}\nprsim; \u{227e}\nprurel; \u{22b0}\npscr; \u{1d4c5}\npsi; \u{3c8}\npuncsp; \u{2008}\n\
    qfr; \u{1d52e}\nqint; \u{2a0c}\nqopf; \u{1d562}\nqprime; \u{2057}\nqscr; \u{1d4c6}\nquaternions; \u{210d}\n\
    quatint; \u{2a16}\nquest; ?\nquesteq; \u{225f}\nquot \u{22}\nquot; \u{22}\nrAarr; \u{21db}\nrArr; \u{21d2}\n\
    rAtail; \u{291c}\nrBarr; \u{290f}\nrHar; \u{2964}\nrace; \u{223d}\u{331}\nracute; \u{155}\nradic; \u{221a}\n\
    raemptyv; \u{29b3}\nrang; \u{27e9}\nrangd; \u{2992}\nrange; \u{29a5}\nrangle; \u{27e9}\nraquo \u{bb}\n\
    raquo; \u{bb}\nrarr; \u{2192}\nrarrap; \u{2975}\nrarrb; \u{21e5}\nrarrbfs; \u{2920}\nrarrc; \u{2933}\n\
    rarrfs; \u{291e}\nrarrhk; \u{21aa}\nrarrlp; \u{21ac}\nrarrpl; \u{2945}\nrarrsim; \u{2974}\nrarrtl; \u{21a3}\n\
    rarrw; \u{219d}\nratail; \u{291a}\nratio; \u{2236}\nrationals; \u{211a}\nrbarr; \u{290d}\nrbbrk; \u{2773}\n\
    rbrace; }\nrbrack; ]\nrbrke; \u{298c}\nrbrksld; \u{298e}\nrbrkslu; \u{2990}\nrcaron; \u{159}\n\
    rcedil; \u{157}\nrceil; \u{2309}\nrcub; }\nrcy; \u{440}\nrdca; \u{2937}\nrdldhar; \u{2969}\nrdquo; \u{201d}\n\
    rdquor; \u{201d}\nrdsh; \u{21b3}\nreal; \u{211c}\nrealine; \u{211b}\nrealpart; \u{211c}\nreals; \u{211d}\n\
    rect; \u{25ad}\nreg \u{ae}\nreg; \u{ae}\nrfisht; \u{297d}\nrfloor; \u{230b}\nrfr; \u{1d52f}\nrhard; \u{21c1}\n\
    rharu; \u{21c0}\nrharul; \u{296c}\nrho; \u{3c1}\nrhov; \u{3f1}\nrightarrow; \u{2192}\n\
    rightarrowtail; \u{21a3}\nrightharpoondown; \u{21c1}\nrightharpoonup; \u{21c0}\nrightleftarrows; \u{21c4}\n\
    rightleftharpoons; \u{21cc}\nrightrightarrows; \u{21c9}\nrightsquigarrow; \u{219d}\n\
    rightthreetimes; \u{22cc}\nring; \u{2da}\nrisingdotseq; \u{2253}\nrlarr; \u{21c4}\nrlhar; \u{21cc}\n\
    rlm; \u{200f}\nrmoust; \u{23b1}\nrmoustache; \u{23b1}\nrnmid; \u{2aee}\nroang; \u{27ed}\nroarr; \u{21fe}\n\
    robrk; \u{27e7}\nropar; \u{2986}\nropf; \u{1d563}\nroplus; \u{2a2e}\nrotimes; \u{2a35}\nrpar; )\n\
    rpargt; \u{2994}\nrppolint; \u{2a12}\nrrarr; \u{21c9}\nrsaquo; \u{203a}\nrscr; \u{1d4c7}\nrsh; \u{21b1}\n\
    rsqb; ]\nrsquo; \u{2019}\nrsquor; \u{2019}\nrthree; \u{22cc}\nrtimes; \u{22ca}\nrtri; \u{25b9}\n\
    rtrie; \u{22b5}\nrtrif; \u{25b8}\nrtriltri; \u{29ce}\nruluhar; \u{2968}\nrx; \u{211e}\nsacute; \u{15b}\n\
    sbquo; \u{201a}\nsc; \u{227b}\nscE; \u{2ab4}\nscap; \u{2ab8}\nscaron; \u{161}\nsccue; \u{227d}\n\
    sce; \u{2ab0}\nscedil; \u{15f}\nscirc; \u{15d}\nscnE; \u{2ab6}\nscnap; \u{2aba}\nscnsim; \u{22e9}\n\
    scpolint; \u{2a13}\nscsim; \u{227f}\nscy; \u{441}\nsdot; \u{22c5}\nsdotb; \u{22a1}\nsdote; \u{2a66}\n\
    seArr; \u{21d8}\nsearhk; \u{2925}\nsearr; \u{2198}\nsearrow; \u{2198}\nsect \u{a7}\nsect; \u{a7}\nsemi; ;\n\
    seswar; \u{2929}\nsetminus; \u{2216}\nsetmn; \u{2216}\nsext; \u{2736}\nsfr; \u{1d530}\nsfrown; \u{2322}\n\
    sharp; \u{266f}\nshchcy; \u{449}\nshcy; \u{448}\nshortmid; \u{2223}\nshortparallel; \u{2225}\nshy \u{ad}\n\
    shy; \u{ad}\nsigma; \u{3c3}\nsigmaf; \u{3c2}\nsigmav; \u{3c2}\nsim; \u{223c}\nsimdot; \u{2a6a}\n\
    sime; \u{2243}\nsimeq; \u{2243}\nsimg; \u{2a9e}\nsimgE; \u{2aa0}\nsiml; \u{2a9d}\nsimlE; \u{2a9f}\n\
    simne; \u{2246}\nsimplus; \u{2a24}\nsimrarr; \u{2972}\nslarr; \u{2190}\nsmallsetminus; \u{2216}\n\
    smashp; \u{2a33}\nsmeparsl; \u{29e4}\nsmid; \u{2223}\nsmile; \u{2323}\nsmt; \u{2aaa}\nsmte; \u{2aac}\n\
    smtes; \u{2aac}\u{fe00}\nsoftcy; \u{44c}\nsol; /\nsolb; \u{29c4}\nsolbar; \u{233f}\nsopf; \u{1d564}\n\
    spades; \u{2660}\nspadesuit; \u{2660}\nspar; \u{2225}\nsqcap; \u{2293}\nsqcaps; \u{2293}\u{fe00}\n\
    sqcup; \u{2294}\nsqcups; \u{2294}\u{fe00}\nsqsub; \u{228f}\nsqsube; \u{2291}\nsqsubset; \u{228f}\n\
    sqsubseteq; \u{2291}\nsqsup; \u{2290}\nsqsupe; \u{2292}\nsqsupset; \u{2290}\nsqsupseteq; \u{2292}\n\
    squ; \u{25a1}\nsquare; \u{25a1}\nsquarf; \u{25aa}\nsquf; \u{25aa}\nsrarr; \u{2192}\nsscr; \u{1d4c8}\n\
    ssetmn; \u{2216}\nssmile; \u{2323}\nsstarf; \u{22c6}\nstar; \u{2606}\nstarf; \u{2605}\n\
    straightepsilon; \u{3f5}\nstraightphi; \u{3d5}\nstrns; \u{af}\nsub; \u{2282}\nsubE; \u{2ac5}\n\
    subdot; \u{2abd}\nsube; \u{2286}\nsubedot; \u{2ac3}\nsubmult; \u{2ac1}\nsubnE; \u{2acb}\nsubne; \u{228a}\n\
    subplus; \u{2abf}\nsubrarr; \u{2979}\nsubset; \u{2282}\nsubseteq; \u{2286}\nsubseteqq; \u{2ac5}\n\
    subsetneq; \u{228a}\nsubsetneqq; \u{2acb}\nsubsim; \u{2ac7}\nsubsub; \u{2ad5}\nsubsup; \u{2ad3}\n\
    succ; \u{227b}\nsuccapprox; \u{2ab8}\nsucccurlyeq; \u{227d}\nsucceq; \u{2ab0}\nsuccnapprox; \u{2aba}\n\
    succneqq; \u{2ab6}\nsuccnsim; \u{22e9}\nsuccsim; \u{227f}\nsum; \u{2211}\nsung; \u{266a}\nsup1 \u{b9}\n\
    sup1; \u{b9}\nsup2 \u{b2}\nsup2; \u{b2}\nsup3 \u{b3}\nsup3; \u{b3}\nsup; \u{2283}\nsupE; \u{2ac6}\n\
    supdot; \u{2abe}\nsupdsub; \u{2ad8}\nsupe; \u{2287}\nsupedot; \u{2ac4}\nsuphsol; \u{27c9}\nsuphsub; \u{2ad7}\n\
    suplarr; \u{297b}\nsupmult; \u{2ac2}\nsupnE; \u{2acc}\nsupne; \u{228b}\nsupplus; \u{2ac0}\nsupset; \u{2283}\n\
    supseteq; \u{2287}\nsupseteqq; \u{2ac6}\nsupsetneq; \u{228b}\nsupsetneqq; \u{2acc}\nsupsim; \u{2ac8}\n\
    supsub; \u{2ad4}\nsupsup; \u{2ad6}\nswArr; \u{21d9}\nswarhk; \u{2926}\nswarr; \u{2199}\nswarrow; \u{2199}\n\
    swnwar; \u{292a}\nszlig \u{df}\nszlig; \u{df}\ntarget; \u{2316}\ntau; \u{3c4}\ntbrk; \u{23b4}\n\
    tcaron; \u{165}\ntcedil; \u{163}\ntcy; \u{442}\ntdot; \u{20db}\ntelrec; \u{2315}\ntfr; \u{1d531}\n\
    there4; \u{2234}\ntherefore; \u{2234}\ntheta; \u{3b8}\nthetasym; \u{3d1}\nthetav; \u{3d1}\n\
    thickapprox; \u{2248}\nthicksim; \u{223c}\nthinsp; \u{2009}\nthkap; \u{2248}\nthksim; \u{223c}\nthorn \u{fe}\n\
    thorn; \u{fe}\ntilde; \u{2dc}\ntimes \u{d7}\ntimes; \u{d7}\ntimesb; \u{22a0}\ntimesbar; \u{2a31}\n\
    timesd; \u{2a30}\ntint; \u{222d}\ntoea; \u{2928}\ntop; \u{22a4}\ntopbot; \u{2336}\ntopcir; \u{2af1}\n\
    topf; \u{1d565}\ntopfork; \u{2ada}\ntosa; \u{2929}\ntprime; \u{2034}\ntrade; \u{2122}\ntriangle; \u{25b5}\n\
    triangledown; \u{25bf}\ntriangleleft; \u{25c3}\ntrianglelefteq; \u{22b4}\ntriangleq; \u{225c}\n\
    triangleright; \u{25b9}\ntrianglerighteq; \u{22b5}\ntridot; \u{25ec}\ntrie; \u{225c}\ntriminus; \u{2a3a}\n\
    triplus; \u{2a39}\ntrisb; \u{29cd}\ntritime; \u{2a3b}\ntrpezium; \u{23e2}\ntscr; \u{1d4c9}\ntscy; \u{446}\n\
    tshcy; \u{45b}\ntstrok; \u{167}\ntwixt; \u{226c}\ntwoheadleftarrow; \u{219e}\ntwoheadrightarrow; \u{21a0}\n\
    uArr; \u{21d1}\nuHar; \u{2963}\nuacute \u{fa}\nuacute; \u{fa}\nuarr; \u{2191}\nubrcy; \u{45e}\n\
    ubreve; \u{16d}\nucirc \u{fb}\nucirc; \u{fb}\nucy; \u{443}\nudarr; \u{21c5}\nudblac; \u{171}\n\
    udhar; \u{296e}\nufisht; \u{297e}\nufr; \u{1d532}\nugrave \u{f9}\nugrave; \u{f9}\nuharl; \u{21bf}\n\
    uharr; \u{21be}\nuhblk; \u{2580}\nulcorn; \u{231c}\nulcorner; \u{231c}\nulcrop; \u{230f}\nultri; \u{25f8}\n\
    umacr; \u{16b}\numl \u{a8}\numl; \u{a8}\nuogon; \u{173}\nuopf; \u{1d566}\nuparrow; \u{2191}\n\
    updownarrow; \u{2195}\nupharpoonleft; \u{21bf}\nupharpoonright; \u{21be}\nuplus; \u{228e}\nupsi; \u{3c5}\n\
    upsih; \u{3d2}\nupsilon; \u{3c5}\nupuparrows; \u{21c8}\nurcorn; \u{231d}\nurcorner; \u{231d}\n\
    urcrop; \u{230e}\nuring; \u{16f}\nurtri; \u{25f9}\nuscr; \u{1d4ca}\nutdot; \u{22f0}\nutilde; \u{169}\n\
    utri; \u{25b5}\nutrif; \u{25b4}\nuuarr; \u{21c8}\nuuml \u{fc}\nuuml; \u{fc}\nuwangle; \u{29a7}\n\
    vArr; \u{21d5}\nvBar; \u{2ae8}\nvBarv; \u{2ae9}\nvDash; \u{22a8}\nvangrt; \u{299c}\nvarepsilon; \u{3f5}\n\
    varkappa; \u{3f0}\nvarnothing; \u{2205}\nvarphi; \u{3d5}\nvarpi; \u{3d6}\nvarpropto; \u{221d}\n\
    varr; \u{2195}\nvarrho; \u{3f1}\nvarsigma; \u{3c2}\nvarsubsetneq; \u{228a}\u{fe00}\n\
    varsubsetneqq; \u{2acb}\u{fe00}\nvarsupsetneq; \u{228b}\u{fe00}\nvarsupsetneqq; \u{2acc}\u{fe00}\n\
    vartheta; \u{3d1}\nvartriangleleft; \u{22b2}\nvartriangleright; \u{22b3}\nvcy; \u{432}\nvdash; \u{22a2}\n\
    vee; \u{2228}\nveebar; \u{22bb}\nveeeq; \u{225a}\nvellip; \u{22ee}\nverbar; |\nvert; |\nvfr; \u{1d533}\n\
    vltri; \u{22b2}\nvnsub; \u{2282}\u{20d2}\nvnsup; \u{2283}\u{20d2}\nvopf; \u{1d567}\nvprop; \u{221d}\n\
    vrtri; \u{22b3}\nvscr; \u{1d4cb}\nvsubnE; \u{2acb}\u{fe00}\nvsubne; \u{228a}\u{fe00}\n\
    vsupnE; \u{2acc}\u{fe00}\nvsupne; \u{228b}\u{fe00}\nvzigzag; \u{299a}\nwcirc; \u{175}\nwedbar; \u{2a5f}\n\
    wedge; \u{2227}\nwedgeq; \u{2259}\nweierp; \u{2118}\nwfr; \u{1d534}\nwopf; \u{1d568}\nwp; \u{2118}\n\
    wr; \u{2240}\nwreath; \u{2240}\nwscr; \u{1d4cc}\nxcap; \u{22c2}\nxcirc; \u{25ef}\nxcup; \u{22c3}\n\
    xdtri; \u{25bd}\nxfr; \u{1d535}\nxhArr; \u{27fa}\nxharr; \u{27f7}\nxi; \u{3be}\nxlArr; \u{27f8}\n\
    xlarr; \u{27f5}\nxmap; \u{27fc}\nxnis; \u{22fb}\nxodot; \u{2a00}\nxopf; \u{1d569}\nxoplus; \u{2a01}\n\
    xotime; \u{2a02}\nxrArr; \u{27f9}\nxrarr; \u{27f6}\nxscr; \u{1d4cd}\nxsqcup; \u{2a06}\nxuplus; \u{2a04}\n\
    xutri; \u{25b3}\nxvee; \u{22c1}\nxwedge; \u{22c0}\nyacute \u{fd}\nyacute; \u{fd}\nyacy; \u{44f}\n\
    ycirc; \u{177}\nycy; \u{44b}\nyen \u{a5}\nyen; \u{a5}\nyfr; \u{1d536}\nyicy; \u{457}\nyopf; \u{1d56a}\n\
    yscr; \u{1d4ce}\nyucy; \u{44e}\nyuml \u{ff}\nyuml; \u{ff}\nzacute; \u{17a}\nzcaron; \u{17e}\nzcy; \u{437}\n\
    zdot; \u{17c}\nzeetrf; \u{2128}\nzeta; \u{3b6}\nzfr; \u{1d537}\nzhcy; \u{436}\nzigrarr; \u{21dd}\n\
    zopf; \u{1d56b}\nzscr; \u{1d4cf}\nzwj; \u{200d}\nzwnj; \u{200c}\n";
