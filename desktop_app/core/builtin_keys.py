"""Keys of the inquiries the program ships (the 2020 letter), known without loading the record layer."""

BLACKBURN_HAWLEY_KEY = "blackburn-hawley-2020-10-08"
BUILTIN_INQUIRY_KEYS = (BLACKBURN_HAWLEY_KEY,)
