"""Medical-history intake, contraindication screening and the precaution acknowledgements."""
