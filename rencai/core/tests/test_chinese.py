from datetime import date

import pytest

from rencai.core import chinese
from rencai.core.chinese import ChineseValueError


class TestIdNumber:
    def test_valid_number_with_x_check_digit(self):
        # GB 11643 example number from the standard's annex.
        assert chinese.validate_id_number("11010519491231002X") == "11010519491231002X"

    def test_lowercase_x_and_fullwidth_digits_are_normalised(self):
        assert chinese.validate_id_number("１１０１０５１９４９１２３１００２x") == "11010519491231002X"

    def test_wrong_check_digit_is_refused_in_chinese(self):
        with pytest.raises(ChineseValueError, match="校验位"):
            chinese.validate_id_number("110105194912310021")

    def test_impossible_birth_date_is_refused(self):
        first17 = "11010519490231002"
        with pytest.raises(ChineseValueError, match="出生日期"):
            chinese.validate_id_number(first17 + chinese.id_check_digit(first17))

    def test_birth_date_and_gender(self):
        assert chinese.id_birth_date("11010519491231002X") == date(1949, 12, 31)
        assert chinese.id_gender("11010519491231002X") == "F"
        assert chinese.id_gender("370102199001011231") == "M"

    def test_fifteen_digit_upgrade(self):
        upgraded = chinese.upgrade_id_15_to_18("110105491231002")
        assert upgraded == "11010519491231002X"
        assert chinese.validate_id_number("110105491231002") == upgraded


class TestCreditCode:
    def test_known_valid_code(self):
        # 91350100M000100Y43 is the worked example of GB 32100-2015.
        assert chinese.validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"

    def test_wrong_check_character(self):
        with pytest.raises(ChineseValueError, match="校验位"):
            chinese.validate_credit_code("91350100M000100Y44")

    def test_forbidden_letters_and_length(self):
        with pytest.raises(ChineseValueError, match="不允许"):
            chinese.validate_credit_code("91350100M000100I43")
        with pytest.raises(ChineseValueError, match="18位"):
            chinese.validate_credit_code("9135010")


class TestMobile:
    @pytest.mark.parametrize("raw", ["13812345678", "+86 138-1234-5678", "008613812345678", "１３８１２３４５６７８"])
    def test_accepted_forms(self, raw):
        assert chinese.validate_mobile(raw) == "13812345678"

    @pytest.mark.parametrize("raw", ["12812345678", "1381234567", "0531-88888888"])
    def test_refused(self, raw):
        with pytest.raises(ChineseValueError, match="手机号码"):
            chinese.validate_mobile(raw)


class TestDates:
    @pytest.mark.parametrize(
        "raw", ["1985.03.07", "1985-3-7", "1985/3/7", "1985年3月7日", "19850307", "１９８５年３月７日", 31113, "31113"]
    )
    def test_common_forms(self, raw):
        assert chinese.parse_chinese_date(raw) == date(1985, 3, 7)

    def test_month_only_when_allowed(self):
        assert chinese.parse_chinese_date("1985.03", allow_month=True) == date(1985, 3, 1)
        with pytest.raises(ChineseValueError):
            chinese.parse_chinese_date("1985.03")

    def test_nonexistent_date(self):
        with pytest.raises(ChineseValueError, match="日期不存在"):
            chinese.parse_chinese_date("1985年2月30日")


class TestText:
    def test_fullwidth_to_halfwidth(self):
        assert chinese.to_halfwidth("ＡＢＣ　１２３") == "ABC 123"

    def test_pinyin(self):
        assert chinese.pinyin_full("张志强") == "zhangzhiqiang"
        assert chinese.pinyin_initials("张志强") == "zzq"

    def test_simplified_traditional(self):
        assert chinese.to_simplified("中國銀行") == "中国银行"
        assert chinese.to_traditional("金融人才") == "金融人才"
        assert chinese.to_traditional("银行") == "銀行"
