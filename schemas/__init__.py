"""ckanext-scheming schemas of the Magetan portal (shipped as ckanext.magetan.schemas)."""
