"""Packaging of ckanext-magetan.

The extension's source lives in ckanext-magetan/ckanext/magetan/; the
scheming schemas in schemas/ are shipped inside it as
``ckanext.magetan.schemas``, so a normal (non-editable) install carries them.
"""
from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-magetan",
    version="0.1.0",
    description="Sectoral statistics portal of Kabupaten Magetan on CKAN 2.12",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir={
        "": "ckanext-magetan",
        "ckanext.magetan.schemas": "schemas",
    },
    # Every package under ckanext/ is found, so a new one cannot be missing
    # from the wheel (tests/test_packaging.py checks).
    packages=[*find_namespace_packages("ckanext-magetan",
                                       include=["ckanext.*"]),
              "ckanext.magetan.schemas"],
    include_package_data=True,
    package_data={
        "ckanext.magetan": [
            "config_declaration.yaml",
            "*/templates/**/*",
            "*/assets/**/*",
            "i18n/*.pot",
            "i18n/*/LC_MESSAGES/*",
            "i18n/ckan-core/*.po",
            "migration/**/*",
        ],
        "ckanext.magetan.codelists": ["*.csv", "*.md"],
        "ckanext.magetan.demo": ["*.yaml", "*.csv"],
        "ckanext.magetan.schemas": ["*.yaml", "*.json"],
        "ckanext.pgindex": ["config_declaration.yaml", "migration/**/*",
                            "i18n/*.pot", "i18n/*/LC_MESSAGES/*"],
    },
    install_requires=[
        "luqum>=1.0,<2",
        "ckanext-scheming>=3.1",
        "ckanapi>=4.7",
        "frictionless[excel,json]>=5.18,<6",
    ],
    entry_points={
        "ckan.plugins": [
            "magetan = ckanext.magetan.plugin:MagetanPlugin",
            "pgindex = ckanext.pgindex.plugin:PgindexPlugin",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
)
