// IlTwo.Dsl: the grammar of .il2 protocol files.
// Regenerate the C# parser with scripts/generate-parser.sh; CI fails when the committed parser drifts.
// The parse tree is converted at once into our own syntax nodes (src/IlTwo.Dsl/Syntax/SyntaxTreeBuilder.cs):
// nothing past that step sees ANTLR types.
grammar Il2;

// ---------------------------------------------------------------- file

protocolFile : declaration* EOF ;

declaration
    : protocolDeclaration
    | titleDeclaration
    | versionDeclaration
    | extendsDeclaration
    | claimDeclaration
    | referenceDeclaration
    | eventDeclaration
    | regimenDeclaration
    | observationDeclaration
    | constantDeclaration
    | ruleDeclaration
    | removeRuleDeclaration
    | fixtureDeclaration
    | scenarioDeclaration
    ;

protocolDeclaration  : PROTOCOL name ;
titleDeclaration     : TITLE string ;
versionDeclaration   : VERSION VERSION_NUMBER ;
extendsDeclaration   : EXTENDS name ;
// A proven claim: the compiler checks that this protocol holds or stops IL-2 in every situation NAME does.
claimDeclaration     : CLAIM MORE_KW CONSERVATIVE THAN name ;
referenceDeclaration : REFERENCE name string referenceDetail* ;
referenceDetail      : DOI string | URL string ;
// `code "system|code"` (or a bare code for any system): how FHIR input names this event.
eventDeclaration     : EVENT name string? codeClause* ;
codeClause           : CODE string ;

// ---------------------------------------------------------------- regimen

regimenDeclaration : REGIMEN LBRACE regimenItem* RBRACE ;

regimenItem
    : DRUG name codeClause*                               # drugItem
    | DOSE quantity                                       # doseItem
    | ROUTE name                                          # routeItem
    | EVERY quantity (TO quantity)?                       # intervalItem
    // `doses` counts doses given; `dose slots` counts given and held slots (a committee's explicit choice).
    | AT MOST NUMBER (DOSES | DOSE SLOTS) PER scope=(CYCLE | COURSE)     # maxDosesItem
    | FIRST DOSE quantity TO quantity AFTER name          # firstDoseWindowItem
    | citation                                            # regimenCitationItem
    ;

// ---------------------------------------------------------------- observations, constants

// `override observation NAME { ... }` in an extending protocol tightens an inherited observation.
observationDeclaration : OVERRIDE? OBSERVATION name string? YESNO? LBRACE observationItem* RBRACE ;

observationItem
    : LOINC LOINC_CODE                                    # loincItem
    | UNIT_KW unit                                         # unitItem
    | WITHIN quantity                                     # withinItem
    | RANGE quantity TO quantity                          # rangeItem
    | MOLAR MASS quantity                                 # molarMassItem
    | REPORTED TO quantity                                # reportedToItem
    | OPTIONAL                                            # optionalItem
    | REQUIRED                                            # requiredItem
    ;

constantDeclaration : CONST name EQ expression ;

// ---------------------------------------------------------------- rules

ruleDeclaration : OVERRIDE? action=(HOLD | DISCONTINUE) RULE name string? LBRACE ruleItem* RBRACE ;

ruleItem
    : WHEN expression                                     # conditionItem
    | UNTIL expression                                    # untilItem
    | PERSISTENT FOR quantity                             # persistentItem
    | CORRECTED WHEN expression                           # correctedItem
    | GROUP name (COMMA name)*                            # groupItem
    | citation                                            # ruleCitationItem
    ;

removeRuleDeclaration : REMOVE RULE name (BECAUSE string)? ;

citation
    : CITE name string?                                   # citeCitation
    | UNVERIFIED string?                                  # unverifiedCitation
    ;

// ---------------------------------------------------------------- scenarios

// A fixture is a named patient state that scenarios start from (`scenario "..." using stable-patient`).
fixtureDeclaration  : FIXTURE name (USING name)? LBRACE scenarioItem* RBRACE ;
// `override scenario "TITLE" because "why" { ... }` in an extending protocol replaces the expectation of the base
// scenario of that title when the base's scenarios run against the extension; without `using` it starts from that
// scenario's patient state.
scenarioDeclaration : OVERRIDE? SCENARIO title=string (USING name)? (BECAUSE reason=string)? LBRACE scenarioItem* RBRACE ;

scenarioItem
    : WEIGHT quantity                                              # scenarioWeight
    | EVENT name quantity AGO                                      # scenarioEvent
    | DOSE status=(GIVEN | HELD) quantity AGO                      # scenarioDose
    | name flagOrQuantity quantity AGO                             # scenarioObservation
    | EXPECT expectedAction=(GIVE | HOLD | DISCONTINUE) (BECAUSE name (COMMA name)*)?   # scenarioExpect
    ;

flagOrQuantity : YES | NO | quantity ;

// ---------------------------------------------------------------- expressions
// Alternatives are listed from tightest to loosest binding.

expression
    : primary                                                      # primaryExpression
    | MINUS expression                                             # negateExpression
    | expression op=(TIMES | STAR | SLASH) expression              # multiplicativeExpression
    | expression op=(PLUS | MINUS) expression                      # additiveExpression
    | expression op=(LT | LE | GT | GE | EQ | NE) expression       # comparisonExpression
    | expression IS NOT? flag=(YES | NO)                           # isFlagExpression
    | NOT expression                                               # notExpression
    | expression AND expression                                    # andExpression
    | expression OR expression                                     # orExpression
    ;

primary
    : LPAREN expression RPAREN                                     # parenthesizedPrimary
    | quantity                                                     # quantityPrimary
    | flag=(YES | NO)                                              # flagPrimary
    | name LPAREN (argument (COMMA argument)*)? RPAREN             # callPrimary
    | WEIGHT                                                       # weightPrimary
    | DOSES kind=(GIVEN | HELD)                                    # dosesPrimary
    | TIME SINCE (LAST DOSE | FIRST DOSE | name)                    # timeSincePrimary
    | AT LEAST NUMBER OF name                                      # atLeastPrimary
    | name                                                         # namePrimary
    ;

argument
    : LAST quantity                                                # windowArgument
    | expression                                                   # expressionArgument
    ;

// ---------------------------------------------------------------- atoms

quantity : NUMBER unit? ;
unit     : UNIT | NAME ;
name     : NAME ;
string   : STRING ;

// ================================================================ lexer

PROTOCOL    : 'protocol' ;
TITLE       : 'title' ;
VERSION     : 'version' ;
EXTENDS     : 'extends' ;
REFERENCE   : 'reference' ;
DOI         : 'doi' ;
URL         : 'url' ;
EVENT       : 'event' ;
REGIMEN     : 'regimen' ;
DRUG        : 'drug' ;
DOSE        : 'dose' ;
DOSES       : 'doses' ;
ROUTE       : 'route' ;
EVERY       : 'every' ;
TO          : 'to' ;
AT          : 'at' ;
MOST        : 'most' ;
PER         : 'per' ;
CYCLE       : 'cycle' ;
COURSE      : 'course' ;
FIRST       : 'first' ;
AFTER       : 'after' ;
OBSERVATION : 'observation' ;
LOINC       : 'loinc' ;
UNIT_KW     : 'unit' ;
WITHIN      : 'within' ;
RANGE       : 'range' ;
MOLAR       : 'molar' ;
MASS        : 'mass' ;
REPORTED    : 'reported' ;
OPTIONAL    : 'optional' ;
CONST       : 'const' ;
OVERRIDE    : 'override' ;
HOLD        : 'hold' ;
DISCONTINUE : 'discontinue' ;
GIVE        : 'give' ;
RULE        : 'rule' ;
REMOVE      : 'remove' ;
BECAUSE     : 'because' ;
WHEN        : 'when' ;
CITE        : 'cite' ;
UNVERIFIED  : 'unverified' ;
SCENARIO    : 'scenario' ;
FIXTURE     : 'fixture' ;
USING       : 'using' ;
WEIGHT      : 'weight' ;
AGO         : 'ago' ;
GIVEN       : 'given' ;
HELD        : 'held' ;
EXPECT      : 'expect' ;
AND         : 'and' ;
OR          : 'or' ;
NOT         : 'not' ;
IS          : 'is' ;
YES         : 'yes' ;
NO          : 'no' ;
TIMES       : 'x' ;
LAST        : 'last' ;
SINCE       : 'since' ;
TIME        : 'time' ;
CLAIM       : 'claim' ;
MORE_KW     : 'more' ;
CONSERVATIVE : 'conservative' ;
THAN        : 'than' ;
CODE        : 'code' ;
REQUIRED    : 'required' ;
UNTIL       : 'until' ;
PERSISTENT  : 'persistent' ;
FOR         : 'for' ;
CORRECTED   : 'corrected' ;
GROUP       : 'group' ;
LEAST       : 'least' ;
OF          : 'of' ;
SLOTS       : 'slots' ;
YESNO       : 'yes/no' ;

LBRACE : '{' ;
RBRACE : '}' ;
LPAREN : '(' ;
RPAREN : ')' ;
COMMA  : ',' ;
EQ     : '=' ;
LE     : '<=' ;
GE     : '>=' ;
NE     : '!=' ;
LT     : '<' ;
GT     : '>' ;
PLUS   : '+' ;
MINUS  : '-' ;
STAR   : '*' ;
SLASH  : '/' ;

// A semantic version (1.0.0) and a LOINC code (8480-6) must win over NUMBER by being longer.
VERSION_NUMBER : DIGITS '.' DIGITS '.' DIGITS ('-' [0-9A-Za-z.-]+)? ;
LOINC_CODE     : DIGITS '-' [0-9] ;
NUMBER         : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)? ;

// A UCUM unit code that contains a separator, a bracket or %: mm[Hg], mg/dL, /min, %, [iU]/kg, 10*3/uL.
// Plain alphabetic units (kg, h, min) lex as NAME; the parser accepts both in unit position.
UNIT
    : '%'
    | '/' UNIT_COMPONENT (UNIT_SEPARATOR UNIT_COMPONENT)*
    | UNIT_COMPONENT (UNIT_SEPARATOR UNIT_COMPONENT)+
    | BRACKETED_COMPONENT (UNIT_SEPARATOR UNIT_COMPONENT)*
    | POWER_OF_TEN (UNIT_SEPARATOR UNIT_COMPONENT)*
    ;

NAME : [a-zA-Z] [a-zA-Z0-9_]* ('-' [a-zA-Z0-9_]+)* ;

STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* ;

LINE_COMMENT : '//' ~[\r\n]* -> channel(HIDDEN) ;
WS           : [ \t\r\n\f\u00A0\uFEFF]+ -> channel(HIDDEN) ;

// Anything else becomes one token the parser rejects with a located diagnostic (never a lexer exception).
UNKNOWN_CHAR : . ;

fragment DIGITS              : [0-9]+ ;
fragment UNIT_SEPARATOR      : '/' | '.' ;
fragment EXPONENT            : '-'? [0-9]+ ;
fragment ANNOTATION          : '{' ~[}\r\n]* '}' ;
fragment POWER_OF_TEN        : [0-9]+ ('*' | '^') '-'? [0-9]+ ;
fragment BRACKETED_COMPONENT : [a-zA-Z]* '[' ~[\]\r\n \t]+ ']' [a-zA-Z]* EXPONENT? ANNOTATION? ;
fragment UNIT_COMPONENT
    : BRACKETED_COMPONENT
    | [a-zA-Z]+ EXPONENT? ANNOTATION?
    | POWER_OF_TEN ANNOTATION?
    | [0-9]+ ANNOTATION?
    | ANNOTATION
    ;
